import { createHash } from 'node:crypto';
import { firmwareManifestBytes, type AttestationRecord } from '../../kit/src/attestation-record.js';
import { DfsError, type ErrorCode } from '../../kit/src/errors.js';
import { EC_P256, subtle } from '../../kit/src/x509.js';
import type { AccessPolicy, Caller } from './access-policy.js';
import { efuseHash, verifyBootChain, type BootImage } from './boot.js';

/** Seed 000 §Secure patch level: what KaiOS 2.6 reports. */
export const BASELINE_VERSION = '2.6';
export const API_VERSION = 26;
export const KAI_SECURITY_PATCH = 1031;

/** Where the anti-rollback index lives: the eSE, or firmware storage on a phone without one. */
export interface RollbackFloor {
  readonly rollbackIndex: number;
  raiseRollbackIndex(index: number): void;
}

/** A rollback floor kept by the firmware itself (phones without an eSE); it only rises too. */
export function softwareFloor(initial: number): RollbackFloor {
  let index = initial;
  return {
    get rollbackIndex() { return index; },
    raiseRollbackIndex(i: number) { if (i > index) index = i; },
  };
}

/** An OEM-signed FOTA package: the full signed image set of one version and its patch level. */
export interface UpdatePackage {
  version: number;
  patchLevel: number;
  images: BootImage[];
  signature: Uint8Array;
}

function imagesDigest(images: BootImage[]): Buffer {
  const digest = createHash('sha256');
  for (const img of images) digest.update(img.stage).update(String(img.version)).update(img.payload).update(img.signature);
  return digest.digest();
}

function packageBytes(version: number, patchLevel: number, images: BootImage[]): Uint8Array<ArrayBuffer> {
  return firmwareManifestBytes(version, patchLevel, imagesDigest(images));
}

/** The signed manifest of a package as the attestation record carries it (the backend verifies it with the OEM build key). */
export function manifestOf(pkg: UpdatePackage): NonNullable<AttestationRecord['firmware']> {
  return { version: pkg.version, patchLevel: pkg.patchLevel, imagesSha256: imagesDigest(pkg.images).toString('hex'), signature: Buffer.from(pkg.signature).toString('base64url') };
}

/** OEM build server: signs an update package with the OEM build key. */
export async function signUpdate(buildKey: CryptoKey, version: number, patchLevel: number, images: BootImage[]): Promise<UpdatePackage> {
  return { version, patchLevel, images, signature: new Uint8Array(await subtle.sign(EC_P256, buildKey, packageBytes(version, patchLevel, images))) };
}

/** How FOTA judges what it is given: the package signature, and an image set's version against the rollback floor. */
export interface FotaRules {
  /** True when `pkg` is signed by `oemKey` (whose hash is in eFuse when `trusted`). */
  signed(pkg: UpdatePackage, oemKey: CryptoKey, trusted: boolean): Promise<boolean>;
  /** The code refusing an image set of `version` under the floor `rollbackIndex`, or null. */
  rollback(version: number, rollbackIndex: number): ErrorCode | null;
}

/** The production rules: OEM signature over the whole package; nothing below the rollback floor. */
export const OEM_SIGNED_NO_ROLLBACK: FotaRules = {
  signed: async (pkg, oemKey, trusted) => trusted && subtle.verify(EC_P256, oemKey, new Uint8Array(pkg.signature), packageBytes(pkg.version, pkg.patchLevel, pkg.images)),
  rollback: (version, rollbackIndex) => (version < rollbackIndex ? 'FOTA_ROLLBACK_REFUSED' : null),
};

/**
 * Kai FOTA with anti-rollback (seed 000 §Kai FOTA): packages must be signed by the OEM key whose
 * hash is in eFuse, every image must verify, and neither an update nor a flash tool may install a
 * version below the rollback floor; an installed update raises the floor.
 */
export class Fota {
  #installed: { version: number; patchLevel: number; images: BootImage[] };

  constructor(
    private readonly policy: AccessPolicy,
    private readonly floor: RollbackFloor,
    private readonly efuse: string,
    private readonly oemKey: CryptoKey,
    installed: { version: number; patchLevel: number; images: BootImage[] },
    private readonly rules: FotaRules = OEM_SIGNED_NO_ROLLBACK,
  ) {
    this.#installed = installed;
  }

  /** Verifies and installs an OTA package; only the system process may apply one. */
  async applyUpdate(caller: Caller, pkg: UpdatePackage): Promise<void> {
    this.policy.check(caller, 'fota.apply');
    const trusted = (await efuseHash(this.oemKey)) === this.efuse;
    if (!(await this.rules.signed(pkg, this.oemKey, trusted))) throw new DfsError('FOTA_SIGNATURE_INVALID');
    if (pkg.version <= this.#installed.version || pkg.version < this.floor.rollbackIndex) throw new DfsError('FOTA_ROLLBACK_REFUSED');
    await this.#install(pkg.images, pkg.patchLevel);
  }

  /** The PC flash tool path: images must verify and must not be older than the floor. */
  async flash(images: BootImage[], patchLevel: number): Promise<void> {
    await this.#install(images, patchLevel);
  }

  async #install(images: BootImage[], patchLevel: number): Promise<void> {
    const chain = await verifyBootChain(images, this.efuse, this.oemKey);
    if (chain.state !== 'verified') throw new DfsError('FOTA_SIGNATURE_INVALID', `stage ${chain.failedStage}`);
    const rollback = this.rules.rollback(chain.version, this.floor.rollbackIndex);
    if (rollback) throw new DfsError(rollback);
    this.#installed = { version: chain.version, patchLevel, images };
    this.floor.raiseRollbackIndex(chain.version);
  }

  /** The images the next power-on will boot. */
  get images(): BootImage[] {
    return this.#installed.images;
  }

  /** Anti-rollback status for native code (seed 000: "App native code can access anti-rollback status"). */
  status(caller: Caller): { antiRollback: true; rollbackIndex: number; installedVersion: number } {
    this.policy.check(caller, 'rollback.read');
    return { antiRollback: true, rollbackIndex: this.floor.rollbackIndex, installedVersion: this.#installed.version };
  }

  /** Baseline version, API version and security patch level, public to every caller. */
  platform(): { baseline: string; apiVersion: number; kaiSecurityPatch: number; securityPatchLevel: number } {
    return { baseline: BASELINE_VERSION, apiVersion: API_VERSION, kaiSecurityPatch: KAI_SECURITY_PATCH, securityPatchLevel: this.#installed.patchLevel };
  }
}
