import { request } from 'node:https';
import { z } from 'zod';
import { decodeProtectedHeader } from 'jose';
import { FOTA_MANIFEST, type FotaManifest } from '../../contracts/firmware.js';
import { DfsError } from '../../kit/src/errors.js';
import { expectTyp } from '../../kit/src/jws.js';
import type { AccessPolicy, Caller } from './access-policy.js';
import { verifyBootChain, type BootImage, type BootResult } from './boot.js';
import { applyDiff, decodeImages, encodeImages, sha256hex, verifyManifest } from './firmware.js';

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
    get rollbackIndex() {
      return index;
    },
    raiseRollbackIndex(i: number) {
      if (i > index) index = i;
    },
  };
}

/** One A/B slot: the image set and the OEM-signed manifest it was installed with. */
export interface Slot {
  images: BootImage[];
  manifest: string;
}

/**
 * The controls between a downloaded package and the phone's flash, and between a slot and a
 * verified boot. Each is a strategy injected when the phone is built (`buildPhone({ firmwareTrust })`);
 * `oemFirmwareTrust` is the only one production wiring uses.
 */
export interface FirmwareTrust {
  /** The manifest verifies under the OEM release key (FOTA_SIGNATURE_INVALID). Used at install and at boot. */
  verifyManifest(jws: string): Promise<FotaManifest>;
  /**
   * Bytes hash to what the manifest signed (FOTA_PACKAGE_TAMPERED).
   * Used for the package, the rebuilt image, and at boot.
   */
  checkDigest(expectedSha256: string, bytes: Uint8Array): void;
  /** A differential applies only to the firmware it was built from (FOTA_DIFF_BASE_MISMATCH). */
  checkBase(manifest: FotaManifest, running: FotaManifest, runningImage: Uint8Array): void;
  /** Only newer versions at or above the rollback floor install (FOTA_ROLLBACK_REFUSED). */
  checkNewer(manifest: FotaManifest, running: FotaManifest, floor: number): void;
  /** At boot: a chain older than the rollback floor does not boot verified. */
  bootsAtFloor(version: number, floor: number): boolean;
}

/** The production controls: the OEM release key the factory provisioned, exact hashes, the base, the floor. */
export function oemFirmwareTrust(releasePublicKey: CryptoKey): FirmwareTrust {
  return {
    verifyManifest: (jws) => verifyManifest(jws, releasePublicKey),
    checkDigest(expected, bytes) {
      if (sha256hex(bytes) !== expected) throw new DfsError('FOTA_PACKAGE_TAMPERED');
    },
    checkBase(m, running, runningImage) {
      if (m.baseVersion !== running.version || m.baseImageSha256 !== sha256hex(runningImage))
        throw new DfsError('FOTA_DIFF_BASE_MISMATCH', `built from ${m.baseVersion}, running ${running.version}`);
    },
    checkNewer(m, running, floor) {
      if (m.version <= running.version || m.rollbackIndex < floor || m.rollbackIndex < running.rollbackIndex)
        throw new DfsError('FOTA_ROLLBACK_REFUSED', `offered ${m.version}, running ${running.version}, floor ${floor}`);
    },
    bootsAtFloor: (version, floor) => version >= floor,
  };
}

/** What the boot ROM found in a slot: the chain verdict and, when verified, the manifest it boots with. */
export interface SlotBoot extends BootResult {
  manifest?: FotaManifest;
}

/**
 * A manifest of the FOTA_MANIFEST typ (checked here, whatever
 * `trust` is wired: JWS_TYPE_MISMATCH), then verified by `trust`.
 */
async function verifiedManifest(trust: FirmwareTrust, jws: string): Promise<FotaManifest> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (err) {
    throw new DfsError('FOTA_SIGNATURE_INVALID', 'manifest is not a JWS', { cause: err });
  }
  expectTyp(header, FOTA_MANIFEST);
  return trust.verifyManifest(jws);
}

/**
 * Trusted boot of one slot (000 §Trusted boot): the image chain, then
 * the signed manifest over exactly these images, then the rollback floor.
 */
export async function bootSlot(
  slot: Slot,
  rom: { efuse: string; bootKey: CryptoKey },
  trust: FirmwareTrust,
  floor: number,
): Promise<SlotBoot> {
  const chain = await verifyBootChain(slot.images, rom.efuse, rom.bootKey);
  if (chain.state !== 'verified') return chain;
  try {
    const manifest = await verifiedManifest(trust, slot.manifest);
    trust.checkDigest(manifest.imageSha256, encodeImages(slot.images));
    if (manifest.version !== chain.version)
      throw new DfsError('FOTA_PACKAGE_TAMPERED', 'manifest names another version');
    if (!trust.bootsAtFloor(chain.version, floor))
      return { state: 'failed', failedStage: 'bootloader', version: chain.version };
    return { ...chain, manifest };
  } catch {
    return { state: 'failed', failedStage: 'system', version: chain.version };
  }
}

const PackageOffer = z.object({
  manifest: z.string().max(8192),
  size: z.number().int().nonnegative(),
  path: z.string().regex(/^\/v1\/packages\/[^?#]+$/),
});
/** The FOTA service's check-for-update answer, as the phone parses it (never trusted: the manifest is what counts). */
export const UpdateOffer = z.object({
  catalogVersion: z.string(),
  update: z
    .object({
      version: z.number().int(),
      osVersion: z.string(),
      patchLevel: z.number().int(),
      rollbackIndex: z.number().int(),
      notes: z.string(),
      endOfLife: z.string(),
      full: PackageOffer,
      differential: PackageOffer.extend({ baseVersion: z.number().int() }).optional(),
    })
    .nullable(),
});
export type UpdateOffer = z.infer<typeof UpdateOffer>;

/** The phone's channel to the FOTA service: check for an update, fetch one byte range of a package. */
export interface FotaTransport {
  check(model: string, version: number): Promise<UpdateOffer>;
  fetchRange(path: string, start: number, end: number): Promise<Uint8Array>;
}

function httpsCall(
  url: URL,
  ca: Buffer,
  opts: { method: string; headers?: Record<string, string>; body?: string; maxBytes: number },
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method, ca, headers: opts.headers, minVersion: 'TLSv1.2', timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) {
            req.destroy(new DfsError('FOTA_PACKAGE_TOO_LARGE'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new DfsError('FOTA_DOWNLOAD_FAILED', 'timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** HTTPS to the FOTA service, trusting only the CA the phone was provisioned with (the dev CA): no system roots. */
export function httpsTransport(baseUrl: string, pinnedCa: Buffer): FotaTransport {
  return {
    async check(model, version) {
      const res = await httpsCall(new URL('/v1/updates/check', baseUrl), pinnedCa, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, version }),
        maxBytes: 64 * 1024,
      });
      if (res.status !== 200) throw new DfsError('FOTA_DOWNLOAD_FAILED', `check answered ${res.status}`);
      return UpdateOffer.parse(JSON.parse(res.body.toString('utf8')));
    },
    async fetchRange(path, start, end) {
      const res = await httpsCall(new URL(path, baseUrl), pinnedCa, {
        method: 'GET',
        headers: { range: `bytes=${start}-${end}` },
        maxBytes: end - start + 1,
      });
      if (res.status !== 206) throw new DfsError('FOTA_DOWNLOAD_FAILED', `range answered ${res.status}`);
      return res.body;
    },
  };
}

/** What one update attempt ended with. */
export type UpdateOutcome =
  | { status: 'UP_TO_DATE'; version: number; patchLevel: number }
  | {
      status: 'UPDATED';
      version: number;
      patchLevel: number;
      osVersion: string;
      kind: 'full' | 'diff';
      fromVersion: number;
    };

/** Limits of the update client. */
export interface FotaLimits {
  /** The largest package or rebuilt image the phone accepts. */
  maxPackageBytes: number;
  /** Bytes per range request (a download resumes at a chunk boundary). */
  chunkBytes: number;
}

export const DEFAULT_FOTA_LIMITS: FotaLimits = { maxPackageBytes: 1 << 20, chunkBytes: 8192 };

/**
 * Kai FOTA on the phone (000 §Kai FOTA, 002 R6): A/B slots, the running one booted verified. An
 * update is checked for, downloaded (byte ranges, resumable, size-limited), and verified completely
 * (OEM release-key signature, model, newer than running and the rollback floor, base of a
 * differential, package and image hashes) before anything is written; then it goes to the inactive
 * slot, the phone reboots through the trusted boot chain, and only a verified boot switches slots and
 * raises the rollback index. A slot that fails to boot leaves the phone on the old one.
 */
export class Fota {
  #slots: [Slot, Slot | undefined];
  #active: 0 | 1 = 0;
  #running: FotaManifest;
  readonly #partial = new Map<string, Buffer[]>();
  #busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly policy: AccessPolicy,
    private readonly floor: RollbackFloor,
    private readonly trust: FirmwareTrust,
    private readonly reboot: (slot: Slot) => Promise<SlotBoot>,
    factory: { slot: Slot; manifest: FotaManifest },
    private readonly transport?: FotaTransport,
    private readonly limits: FotaLimits = DEFAULT_FOTA_LIMITS,
  ) {
    this.#slots = [factory.slot, undefined];
    this.#running = factory.manifest;
  }

  /** The manifest of the running slot (what attestation reports). */
  get running(): FotaManifest {
    return { ...this.#running };
  }

  /** The images of the running slot. */
  get images(): BootImage[] {
    return this.#slots[this.#active]!.images;
  }

  /** Which slot runs: `a` or `b`. */
  get activeSlot(): 'a' | 'b' {
    return this.#active === 0 ? 'a' : 'b';
  }

  /** Asks the FOTA service for an update to the running firmware. */
  async check(caller: Caller): Promise<UpdateOffer['update']> {
    this.policy.check(caller, 'fota.apply');
    if (!this.transport) throw new DfsError('FOTA_DOWNLOAD_FAILED', 'no FOTA service configured');
    return (await this.transport.check(this.#running.model, this.#running.version)).update;
  }

  /**
   * Check, download, verify, install to the inactive slot, reboot; throws
   * with the refusing control's code, leaving the old slot running.
   */
  update(caller: Caller): Promise<UpdateOutcome> {
    return this.#exclusive(async () => {
      const offer = await this.check(caller);
      if (!offer) return { status: 'UP_TO_DATE', version: this.#running.version, patchLevel: this.#running.patchLevel };
      const pkg = offer.differential?.baseVersion === this.#running.version ? offer.differential : offer.full;
      return this.#install(caller, pkg);
    });
  }

  /**
   * Verifies and installs one offered package (the manifest
   * decides everything; the offer's other fields are not trusted).
   */
  install(caller: Caller, pkg: { manifest: string; path: string }): Promise<UpdateOutcome> {
    return this.#exclusive(() => this.#install(caller, pkg));
  }

  /** One update at a time: a second caller waits and then sees the firmware the first one left. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn, fn);
    this.#busy = run.catch(() => undefined);
    return run;
  }

  async #install(caller: Caller, pkg: { manifest: string; path: string }): Promise<UpdateOutcome> {
    this.policy.check(caller, 'fota.apply');
    const running = this.#running;
    const runningImage = encodeImages(this.images);
    const m = await verifiedManifest(this.trust, pkg.manifest);
    if (m.model !== running.model) throw new DfsError('FOTA_MODEL_MISMATCH');
    this.trust.checkNewer(m, running, this.floor.rollbackIndex);
    if (m.kind === 'diff') this.trust.checkBase(m, running, runningImage);
    if (m.packageSize > this.limits.maxPackageBytes || m.imageSize > this.limits.maxPackageBytes)
      throw new DfsError('FOTA_PACKAGE_TOO_LARGE');
    const bytes = await this.#download(pkg.path, m.packageSha256, m.packageSize);
    this.trust.checkDigest(m.packageSha256, bytes);
    const image = m.kind === 'diff' ? applyDiff(runningImage, bytes, this.limits.maxPackageBytes) : bytes;
    this.trust.checkDigest(m.imageSha256, image);
    const slot: Slot = { images: decodeImages(image), manifest: pkg.manifest };

    const target: 0 | 1 = this.#active === 0 ? 1 : 0;
    this.#slots[target] = slot;
    const booted = await this.reboot(slot);
    if (booted.state !== 'verified' || !booted.manifest) {
      await this.reboot(this.#slots[this.#active]!);
      throw new DfsError('FOTA_BOOT_FAILED', `stage ${booted.failedStage ?? 'unknown'}`);
    }
    this.#active = target;
    this.#running = booted.manifest;
    this.floor.raiseRollbackIndex(booted.version);
    return {
      status: 'UPDATED',
      version: booted.manifest.version,
      patchLevel: booted.manifest.patchLevel,
      osVersion: booted.manifest.osVersion,
      kind: m.kind,
      fromVersion: running.version,
    };
  }

  async #download(path: string, sha: string, size: number): Promise<Buffer> {
    if (!this.transport) throw new DfsError('FOTA_DOWNLOAD_FAILED', 'no FOTA service configured');
    const chunks = this.#partial.get(sha) ?? [];
    this.#partial.set(sha, chunks);
    let have = chunks.reduce((n, c) => n + c.length, 0);
    while (have < size) {
      const end = Math.min(size, have + this.limits.chunkBytes) - 1;
      let part: Uint8Array;
      try {
        part = await this.transport.fetchRange(path, have, end);
      } catch (err) {
        throw err instanceof DfsError && err.code === 'FOTA_PACKAGE_TOO_LARGE'
          ? err
          : new DfsError('FOTA_DOWNLOAD_FAILED', `at byte ${have} of ${size}`, { cause: err });
      }
      if (part.length === 0 || part.length > end - have + 1)
        throw new DfsError('FOTA_DOWNLOAD_FAILED', 'bad range answer');
      chunks.push(Buffer.from(part));
      have += part.length;
    }
    this.#partial.delete(sha);
    return Buffer.concat(chunks);
  }

  /** Anti-rollback status for native code (seed 000: "App native code can access anti-rollback status"). */
  status(caller: Caller): {
    antiRollback: true;
    rollbackIndex: number;
    installedVersion: number;
    activeSlot: 'a' | 'b';
  } {
    this.policy.check(caller, 'rollback.read');
    return {
      antiRollback: true,
      rollbackIndex: this.floor.rollbackIndex,
      installedVersion: this.#running.version,
      activeSlot: this.activeSlot,
    };
  }

  /**
   * Baseline version, API version, OS version and security patch level
   * (from the running slot's signed manifest), public to every caller.
   */
  platform(): {
    baseline: string;
    apiVersion: number;
    kaiSecurityPatch: number;
    osVersion: string;
    securityPatchLevel: number;
  } {
    return {
      baseline: BASELINE_VERSION,
      apiVersion: API_VERSION,
      kaiSecurityPatch: KAI_SECURITY_PATCH,
      osVersion: this.#running.osVersion,
      securityPatchLevel: this.#running.patchLevel,
    };
  }
}
