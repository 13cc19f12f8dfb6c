import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyPair } from 'jose';
import { ATTESTATION_STATUS_LIST, type AttestationStatusList } from '../../contracts/attestation-status.js';
import { PIN_RESET } from '../../contracts/device.js';
import { DEVICE_MODEL, PAYMENT_DAEMON_PACKAGE, type AttestationRecord } from '../../kit/src/attestation-record.js';
import { loadCatalog, type FotaCatalog } from '../../kit/src/fota-catalog.js';
import { signJws } from '../../kit/src/jws.js';
import { loadIssuer, type PkiPaths } from '../../kit/src/pki.js';
import { generateEcKeyPair, issueCertificate, x509 } from '../../kit/src/x509.js';
import { efuseHash, type BootImage } from './boot.js';
import type { AttestationSigner } from './ese/attest.js';
import { SecureElement } from './ese/secure-element.js';
import type { KeyAccess } from './ese/keystore.js';
import type { PinRetryPolicy, ResetVerifier } from './ese/pin.js';
import { buildFull, firmwareImages, oemBuildKeys, type OemBuildKeys } from './firmware.js';
import { randomImei } from './imei.js';
import type { PhoneProfile } from './profiles.js';

/** The firmware version the OEM ships now; also the rollback index it sets. */
export const FIRMWARE_VERSION = 3;

/**
 * The one model the simulated OEM makes (config/fota-catalog.json
 * lists its releases; the device trust file its boot key).
 */
export const MODEL = DEVICE_MODEL;

/** What the factory burns and flashes into one phone. */
export interface FactoryOutput {
  ese?: SecureElement;
  efuse: string;
  bootPublicKey: CryptoKey;
  firmware: BootImage[];
  /** The OEM-signed manifest flashed with the firmware (version, OS version, patch level, image hash). */
  manifest: string;
  /** The OEM release key the phone trusts for FOTA manifests (provisioned with the firmware). */
  releasePublicKey: CryptoKey;
  identity: { imei: string; model: string; serial: string };
  /** Phones without an eSE: the software attestation key shipped in the firmware. */
  softwareAttestation?: AttestationSigner;
  /** Phones with an eSE: serial (lower-case hex) of the batch attestation certificate injected into it. */
  batchSerial?: string;
}

/** How many phones share one eSE attestation batch key by default. */
export const BATCH_SIZE = 1000;

interface Batch {
  signer: AttestationSigner;
  serial: string;
  left: number;
}

/**
 * The simulated OEM (seed 000 §Trusted boot, §Safeguard, §Kai FOTA): holds the attestation root and
 * the build key, signs firmware and update packages, and provisions each phone's eSE (the batch
 * attestation key certified by the eSE attestation CA, identity, PIN-reset trust key, rollback index, then the
 * provision lock). It also plays the backend's PIN-reset authority, whose public key the eSE trusts.
 */
export class Oem {
  private constructor(
    private readonly root: { cert: x509.X509Certificate; key: CryptoKey },
    private readonly stateDir: string,
    private readonly keys: OemBuildKeys,
    private readonly catalog: FotaCatalog,
    private readonly efuse: string,
    private readonly softwareAttestation: AttestationSigner,
    private readonly resetKeys: { privateKey: CryptoKey; publicKey: CryptoKey },
    private readonly eseCa: { cert: x509.X509Certificate; key: CryptoKey },
    private readonly batchSize: number,
    private readonly appSignerDigest: string,
  ) {}

  #batch?: Batch;
  #batches = 0;

  /**
   * Loads the OEM root and its two attestation CAs, the boot key (the dev PKI's OEM build key) and
   * release key from the state directory, the release catalog, and makes the software attestation
   * key (certified by the software-attestation CA).
   */
  static async load(pki: PkiPaths, opts: { batchSize?: number; catalogFile?: string } = {}): Promise<Oem> {
    const root = await loadIssuer(pki.oemRoot, pki.oemRootKey);
    const eseCa = await loadIssuer(pki.oemEseCa.cert, pki.oemEseCa.key);
    const softwareCa = await loadIssuer(pki.oemSoftwareCa.cert, pki.oemSoftwareCa.key);
    const stateDir = dirname(pki.dir);
    const keys = await oemBuildKeys(stateDir);
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the dev PKI lives under the validated state directory */
    const appCert = new x509.X509Certificate(readFileSync(pki.appSigning.cert, 'utf8'));
    const appSignerDigest = createHash('sha256').update(Buffer.from(appCert.rawData)).digest('hex');
    const sw = await generateEcKeyPair(false);
    const swCert = await issueCertificate({
      subject: 'CN=Software attestation key (firmware), O=Simulated OEM',
      publicKey: sw.publicKey,
      issuer: softwareCa,
      ca: { pathLength: 0 },
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
    });
    const resetKeys = await generateKeyPair('ES256');
    return new Oem(
      root,
      stateDir,
      keys,
      loadCatalog(opts.catalogFile ?? 'config/fota-catalog.json'),
      await efuseHash(keys.bootPublic),
      { key: sw.privateKey, chain: [swCert, softwareCa.cert] },
      resetKeys,
      eseCa,
      opts.batchSize ?? BATCH_SIZE,
      appSignerDigest,
    );
  }

  /**
   * The current production batch's attestation key, certified by the eSE attestation CA; a new
   * batch starts every `batchSize` phones. The key is non-extractable: the factory injects its handle.
   */
  async #currentBatch(): Promise<Batch> {
    if (this.#batch && this.#batch.left > 0) return this.#batch;
    const keys = await generateEcKeyPair(false);
    const cert = await issueCertificate({
      subject: `CN=eSE attestation batch ${++this.#batches}, O=Simulated OEM`,
      publicKey: keys.publicKey,
      issuer: this.eseCa,
      ca: { pathLength: 0 },
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
    });
    this.#batch = {
      signer: { key: keys.privateKey, chain: [cert, this.eseCa.cert] },
      serial: cert.serialNumber.toLowerCase(),
      left: this.batchSize,
    };
    return this.#batch;
  }

  /** Starts a new production batch with the next phone (a leaked or revoked batch key stops being used). */
  newBatch(): void {
    this.#batch = undefined;
  }

  /**
   * The OEM's handle on the current batch attestation key: what an attacker holds once a batch key
   * leaks (threat tests use it to show the chain, not the record, decides the security level).
   */
  async batchSigner(): Promise<{ signer: AttestationSigner; serial: string }> {
    const b = await this.#currentBatch();
    return { signer: b.signer, serial: b.serial };
  }

  /**
   * The installed daemon package as the phone's package manager reports it: its name, and the
   * SHA-256 of the certificate that signed it (the app developer's, from the state directory).
   */
  daemonApplication(): AttestationRecord['application'] {
    return { packageName: PAYMENT_DAEMON_PACKAGE, signatureDigest: this.appSignerDigest, version: 1 };
  }

  /**
   * The signed images and manifest of one catalog release (what
   * the factory flashes, and the FOTA service's full package).
   */
  async release(version: number): Promise<{ images: BootImage[]; manifest: string }> {
    const release = this.catalog.models[MODEL]?.releases.find((r) => r.version === version);
    if (!release) throw new Error(`no release ${version} of ${MODEL} in the catalog`);
    return {
      images: await firmwareImages(this.stateDir, this.keys, MODEL, version),
      manifest: (await buildFull(this.stateDir, this.keys, MODEL, release)).manifest,
    };
  }

  /** The OEM build keys (boot and release), for tests that play the OEM's build server. */
  get buildKeys(): OemBuildKeys {
    return this.keys;
  }

  /**
   * Signs an attestation status list with the attestation root key (as Google publishes one for
   * leaked Android attestation keys): serials of revoked attested keys or batch CAs.
   */
  signStatusList(entries: AttestationStatusList['entries'], issuedAtMs = Date.now()): Promise<string> {
    return signJws(ATTESTATION_STATUS_LIST, { issuedAtMs, entries }, { privateKey: this.root.key });
  }

  /** The backend's PIN-reset authority: signs a reset for one phone and one eSE-issued nonce. */
  signPinReset(imei: string, nonce: string, ttlSec = 300): Promise<string> {
    const claims = { imei, nonce, exp: Math.floor(Date.now() / 1000) + ttlSec };
    return signJws(PIN_RESET, claims, { privateKey: this.resetKeys.privateKey });
  }

  /** Manufactures one phone in the given configuration (with `imei`, a cloned identity). */
  async manufacture(
    profile: PhoneProfile,
    pinMaxTries = 5,
    imei = randomImei(),
    applets: { pinRetry?: PinRetryPolicy; keyAccess?: KeyAccess; verifyReset?: ResetVerifier } = {},
  ): Promise<FactoryOutput> {
    const identity = { imei, model: MODEL, serial: randomBytes(6).toString('hex').toUpperCase() };
    const flashed = await this.release(profile.rolledBack ? FIRMWARE_VERSION - 1 : profile.firmwareVersion);
    let firmware = [...flashed.images];
    if (profile.tamperedStage) {
      firmware = firmware.map((img) =>
        img.stage === profile.tamperedStage
          ? { ...img, payload: Buffer.concat([img.payload, Buffer.from('implant')]) }
          : img,
      );
    }
    const out: FactoryOutput = {
      efuse: this.efuse,
      bootPublicKey: this.keys.bootPublic,
      firmware,
      manifest: flashed.manifest,
      releasePublicKey: this.keys.releasePublic,
      identity,
    };
    if (!profile.ese) return { ...out, softwareAttestation: this.softwareAttestation };

    const ese = new SecureElement({ pinMaxTries, ...applets });
    const batch = await this.#currentBatch();
    batch.left -= 1;
    ese.injectAttestationKey(batch.signer);
    ese.writeIdentity(identity);
    ese.installResetKey(this.resetKeys.publicKey);
    ese.raiseRollbackIndex(profile.rolledBack ? FIRMWARE_VERSION : profile.firmwareVersion);
    ese.provisionLock();
    return { ...out, ese, batchSerial: batch.serial };
  }
}
