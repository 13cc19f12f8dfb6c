import { createHash, randomBytes } from 'node:crypto';
import { PAYMENT_DAEMON_PACKAGE } from '../../kit/src/attestation-record.js';
import { loadIssuer, type PkiPaths } from '../../kit/src/pki.js';
import { generateEcKeyPair, issueCertificate, type x509 } from '../../kit/src/x509.js';
import { BOOT_STAGES, efuseHash, signImage, type BootImage } from './boot.js';
import { SecureElement } from './ese/secure-element.js';
import { randomImei } from './imei.js';
import type { PhoneProfile } from './profiles.js';

/** The firmware version the OEM ships now; also the rollback index it sets. */
export const FIRMWARE_VERSION = 3;

/** What the factory burns and flashes into one phone. */
export interface FactoryOutput {
  ese?: SecureElement;
  efuse: string;
  bootPublicKey: CryptoKey;
  firmware: BootImage[];
  identity: { imei: string; model: string; serial: string };
}

/**
 * The simulated OEM (seed 000 §Trusted boot, §Safeguard): holds the attestation root and a boot
 * signing key, signs firmware, and provisions each phone's eSE with a factory attestation key
 * certified by the root, its identity (then provision-locked) and the rollback index.
 */
export class Oem {
  private constructor(
    private readonly root: { cert: x509.X509Certificate; key: CryptoKey },
    private readonly bootKeys: CryptoKeyPair,
    private readonly efuse: string,
    private readonly firmware: Map<number, BootImage[]>,
  ) {}

  /** Loads the OEM root from the state directory and builds signed firmware images. */
  static async load(pki: PkiPaths): Promise<Oem> {
    const root = await loadIssuer(pki.oemRoot, pki.oemRootKey);
    const bootKeys = await generateEcKeyPair(false);
    const firmware = new Map<number, BootImage[]>();
    for (const version of [FIRMWARE_VERSION - 1, FIRMWARE_VERSION]) {
      firmware.set(version, await Promise.all(BOOT_STAGES.map((stage) => signImage(bootKeys.privateKey, stage, version, randomBytes(stage === 'system' ? 16384 : 1024)))));
    }
    return new Oem(root, bootKeys, await efuseHash(bootKeys.publicKey), firmware);
  }

  /** The daemon's package identity as the store signs it. */
  static daemonApplication(): { packageName: string; signatureDigest: string; version: number } {
    return { packageName: PAYMENT_DAEMON_PACKAGE, signatureDigest: createHash('sha256').update('dfs-store-signed:' + PAYMENT_DAEMON_PACKAGE).digest('hex'), version: 1 };
  }

  /** Manufactures one phone in the given configuration. */
  async manufacture(profile: PhoneProfile, pinMaxTries = 5): Promise<FactoryOutput> {
    const identity = { imei: randomImei(), model: 'KaiPhone 4G', serial: randomBytes(6).toString('hex').toUpperCase() };
    let firmware = [...(this.firmware.get(profile.rolledBack ? FIRMWARE_VERSION - 1 : FIRMWARE_VERSION) ?? [])];
    if (profile.tamperedStage) {
      firmware = firmware.map((img) => (img.stage === profile.tamperedStage ? { ...img, payload: Buffer.concat([img.payload, Buffer.from('implant')]) } : img));
    }
    const out: FactoryOutput = { efuse: this.efuse, bootPublicKey: this.bootKeys.publicKey, firmware, identity };
    if (!profile.ese) return out;

    const ese = new SecureElement(pinMaxTries);
    const factoryPublic = await ese.createFactoryKey();
    const factoryCert = await issueCertificate({
      subject: `CN=Factory attestation key ${identity.serial}, O=Simulated OEM`,
      publicKey: factoryPublic,
      issuer: this.root,
      ca: { pathLength: 0 },
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
    });
    ese.installFactoryChain([factoryCert]);
    ese.writeIdentity(identity);
    ese.raiseRollbackIndex(FIRMWARE_VERSION);
    ese.provisionLock();
    return { ...out, ese };
  }
}
