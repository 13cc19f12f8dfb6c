import { createHash } from 'node:crypto';
import { EC_P256, subtle } from '../../kit/src/x509.js';

/** The trusted boot chain of seed 000 §Trusted boot: each stage is checked before it runs. */
export const BOOT_STAGES = ['bootloader', 'fdl', 'uboot', 'kernel', 'system', 'vendor'] as const;
export type BootStage = (typeof BOOT_STAGES)[number];

/** Partitions the kernel checks dm-verity style: a signed root hash over 4 KiB block hashes. */
const VERITY = new Set<BootStage>(['system', 'vendor']);
const BLOCK = 4096;

export interface BootImage {
  stage: BootStage;
  version: number;
  payload: Buffer;
  signature: Uint8Array;
}

function verityRoot(payload: Buffer): Buffer {
  const blocks: Buffer[] = [];
  for (let off = 0; off < payload.length; off += BLOCK)
    blocks.push(
      createHash('sha256')
        .update(payload.subarray(off, off + BLOCK))
        .digest(),
    );
  return createHash('sha256').update(Buffer.concat(blocks)).digest();
}

function signedBytes(stage: BootStage, version: number, payload: Buffer): Uint8Array<ArrayBuffer> {
  const digest = VERITY.has(stage) ? verityRoot(payload) : createHash('sha256').update(payload).digest();
  return new Uint8Array(Buffer.concat([Buffer.from(`${stage}:${version}:`), digest]));
}

/** OEM build server: signs one stage image with the OEM boot key. */
export async function signImage(
  bootKey: CryptoKey,
  stage: BootStage,
  version: number,
  payload: Buffer,
): Promise<BootImage> {
  return {
    stage,
    version,
    payload,
    signature: new Uint8Array(await subtle.sign(EC_P256, bootKey, signedBytes(stage, version, payload))),
  };
}

/** The eFuse value: SHA-256 of the OEM boot public key (SPKI), burnt at the factory. */
export async function efuseHash(bootPublicKey: CryptoKey): Promise<string> {
  return createHash('sha256')
    .update(Buffer.from(await subtle.exportKey('spki', bootPublicKey)))
    .digest('hex');
}

export interface BootResult {
  state: 'verified' | 'failed';
  failedStage?: BootStage;
  /** The lowest image version in the chain: what anti-rollback compares. */
  version: number;
}

/**
 * ROM -> bootloader -> fdl -> U-Boot -> kernel -> system/vendor: the boot key must match the
 * eFuse hash, and every stage's signature (system and vendor over their verity root) must verify.
 * A phone whose chain fails still powers on, in the `failed` state that attestation reports.
 */
export async function verifyBootChain(
  images: BootImage[],
  efuse: string,
  bootPublicKey: CryptoKey,
): Promise<BootResult> {
  const version = Math.min(...images.map((i) => i.version));
  if ((await efuseHash(bootPublicKey)) !== efuse) return { state: 'failed', failedStage: 'bootloader', version };
  for (const stage of BOOT_STAGES) {
    const image = images.find((i) => i.stage === stage);
    const ok =
      image &&
      (await subtle.verify(
        EC_P256,
        bootPublicKey,
        new Uint8Array(image.signature),
        signedBytes(stage, image.version, image.payload),
      ));
    if (!ok) return { state: 'failed', failedStage: stage, version };
  }
  return { state: 'verified', version };
}
