import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { FOTA_MANIFEST, FotaManifest } from '../../contracts/firmware.js';
import { firmwareManifestBytes, type AttestationRecord } from '../../kit/src/attestation-record.js';
import { DfsError } from '../../kit/src/errors.js';
import { signJws, verifyJws } from '../../kit/src/jws.js';
import type { FotaCatalog, Release } from '../../kit/src/fota-catalog.js';
import { loadOrCreateSigningKey, type SigningKey } from '../../kit/src/keys.js';
import { pkiPaths } from '../../kit/src/pki.js';
import { EC_P256, importPrivateKeyPem, subtle, x509 } from '../../kit/src/x509.js';
import { BOOT_STAGES, signImage, type BootImage, type BootStage } from './boot.js';

/** SHA-256, lower-case hex. */
export const sha256hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const EncodedImage = z
  .object({
    stage: z.enum(BOOT_STAGES),
    version: z.number().int().nonnegative(),
    payload: z.base64(),
    signature: z.base64(),
  })
  .strict();

/** The byte form of an image set: what a full package carries and a differential rebuilds. */
export function encodeImages(images: BootImage[]): Buffer {
  return Buffer.from(
    JSON.stringify(
      images.map((i) => ({
        stage: i.stage,
        version: i.version,
        payload: i.payload.toString('base64'),
        signature: Buffer.from(i.signature).toString('base64'),
      })),
    ),
  );
}

/** Parses an image set; anything malformed is a tampered package. */
export function decodeImages(bytes: Uint8Array): BootImage[] {
  try {
    return z
      .array(EncodedImage)
      .max(BOOT_STAGES.length)
      .parse(JSON.parse(Buffer.from(bytes).toString('utf8')))
      .map((i) => ({
        stage: i.stage as BootStage,
        version: i.version,
        payload: Buffer.from(i.payload, 'base64'),
        signature: new Uint8Array(Buffer.from(i.signature, 'base64')),
      }));
  } catch (err) {
    throw new DfsError('FOTA_PACKAGE_TAMPERED', 'image set does not parse', { cause: err });
  }
}

/** A differential package: the XOR of target and base, deflated (small when versions share most bytes). */
export function makeDiff(base: Uint8Array, target: Uint8Array): Buffer {
  const out = Buffer.alloc(target.length);
  for (let i = 0; i < target.length; i++) out[i] = target[i]! ^ (base[i] ?? 0);
  return deflateRawSync(out, { level: 9 });
}

/** Rebuilds the target image from the base and a differential, never inflating past `maxBytes`. */
export function applyDiff(base: Uint8Array, diff: Uint8Array, maxBytes: number): Buffer {
  let delta: Buffer;
  try {
    delta = inflateRawSync(diff, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new DfsError('FOTA_PACKAGE_TAMPERED', 'differential does not inflate within the size limit', { cause: err });
  }
  for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! ^ (base[i] ?? 0);
  return delta;
}

/** Signs a manifest with the OEM release key. */
export function signManifest(releaseKey: SigningKey, manifest: FotaManifest): Promise<string> {
  return signJws(FOTA_MANIFEST, manifest, releaseKey);
}

/** Verifies a manifest against the OEM release public key the phone was provisioned with. */
export async function verifyManifest(jws: string, releasePublicKey: CryptoKey): Promise<FotaManifest> {
  try {
    return FOTA_MANIFEST.schema.parse((await verifyJws(jws, releasePublicKey, FOTA_MANIFEST)).payload);
  } catch (err) {
    throw new DfsError('FOTA_SIGNATURE_INVALID', 'manifest is not signed by the OEM release key', { cause: err });
  }
}

/**
 * The simulated OEM's build keys: the boot key (the dev PKI's OEM build key: its hash is in eFuse,
 * and the attestation service trusts it per model) and the release key that signs FOTA manifests;
 * neither is the attestation root.
 */
export interface OemBuildKeys {
  boot: { privateKey: CryptoKey };
  bootPublic: CryptoKey;
  release: SigningKey;
  releasePublic: CryptoKey;
}

const publicOf = async (k: SigningKey): Promise<CryptoKey> =>
  (await importJWK({ ...(k.publicJwk as JWK) }, 'ES256', { extractable: true })) as CryptoKey;

/**
 * Loads the OEM boot key from the dev PKI (ensureDevPki) and the release
 * key (created on first use) from the state directory. Dev keys only.
 */
export async function oemBuildKeys(stateDir: string): Promise<OemBuildKeys> {
  const build = pkiPaths(stateDir).oemBuild;
  /* eslint-disable security/detect-non-literal-fs-filename -- the dev PKI lives under the validated state directory */
  const boot = { privateKey: await importPrivateKeyPem(readFileSync(build.key, 'utf8')) };
  const bootPublic = await subtle.importKey(
    'spki',
    x509.PemConverter.decodeFirst(readFileSync(build.pub, 'utf8')),
    EC_P256,
    true,
    ['verify'],
  );
  /* eslint-enable security/detect-non-literal-fs-filename */
  const release = await loadOrCreateSigningKey(stateDir, 'oem-release');
  return { boot, bootPublic, release, releasePublic: await publicOf(release) };
}

/**
 * The firmware manifest an attestation record carries for a booted
 * slot: version, patch level, image digest, build-key signature.
 */
export function attestedFirmware(m: FotaManifest): NonNullable<AttestationRecord['firmware']> {
  return { version: m.version, patchLevel: m.patchLevel, imagesSha256: m.imageSha256, signature: m.firmwareSignature };
}

/* eslint-disable security/detect-non-literal-fs-filename --
   build output lives under the state directory, named from catalog data */
function readOrCreate(file: string, make: () => Promise<Buffer> | Buffer): Promise<Buffer> {
  try {
    return Promise.resolve(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return Promise.resolve(make()).then((bytes) => {
    try {
      writeFileSync(file, bytes, { flag: 'wx', mode: 0o600 });
      return bytes;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file);
      throw err;
    }
  });
}

/**
 * The OEM build of one model and version: one image per boot stage signed with the boot key,
 * written once to the state directory so every process (FOTA service, factory) ships the same
 * bytes. Versions share most bytes, as real builds do, so differentials are small.
 */
export async function firmwareImages(
  stateDir: string,
  keys: OemBuildKeys,
  model: string,
  version: number,
): Promise<BootImage[]> {
  const dir = join(stateDir, 'oem', 'firmware');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const seed = await readOrCreate(join(dir, 'seed'), () => randomBytes(32));
  const slug = createHash('sha256').update(model).digest('hex').slice(0, 12);
  const bytes = await readOrCreate(join(dir, `${slug}-v${version}.json`), async () =>
    encodeImages(
      await Promise.all(
        BOOT_STAGES.map(async (stage) => {
          const size = stage === 'system' ? 16384 : 1024;
          const payload = Buffer.alloc(size);
          for (let off = 0, n = 0; off < size; off += 32, n++)
            createHash('sha256').update(seed).update(`${model}:${stage}:${n}`).digest().copy(payload, off);
          createHash('sha256').update(seed).update(`${model}:${stage}:v${version}`).digest().copy(payload, 0);
          return signImage(keys.boot.privateKey, stage, version, payload);
        }),
      ),
    ),
  );
  return decodeImages(bytes);
}
/* eslint-enable security/detect-non-literal-fs-filename */

/** A built package: its signed manifest and its bytes. */
export interface BuiltPackage {
  manifest: string;
  bytes: Buffer;
}

/** Every package of one release: the full one and one differential per listed base. */
export interface BuiltRelease {
  model: string;
  release: Release;
  full: BuiltPackage;
  diffs: Map<number, BuiltPackage>;
}

/** Builds and signs the full package of a release (also the manifest a factory flashes with it). */
export async function buildFull(
  stateDir: string,
  keys: OemBuildKeys,
  model: string,
  release: Release,
): Promise<BuiltPackage> {
  const image = encodeImages(await firmwareImages(stateDir, keys, model, release.version));
  const firmware = {
    model,
    version: release.version,
    osVersion: release.osVersion,
    patchLevel: release.patchLevel,
    rollbackIndex: release.rollbackIndex,
    imageSha256: sha256hex(image),
    imageSize: image.length,
  };
  const signed = await subtle.sign(
    EC_P256,
    keys.boot.privateKey,
    firmwareManifestBytes(release.version, release.patchLevel, Buffer.from(firmware.imageSha256, 'hex')),
  );
  return {
    bytes: image,
    manifest: await signManifest(keys.release, {
      ...firmware,
      firmwareSignature: Buffer.from(signed).toString('base64url'),
      kind: 'full',
      packageSha256: sha256hex(image),
      packageSize: image.length,
    }),
  };
}

/** Builds every package the catalog lists: full images and differentials, each with its signed manifest. */
export async function buildReleases(
  stateDir: string,
  keys: OemBuildKeys,
  catalog: FotaCatalog,
): Promise<BuiltRelease[]> {
  const out: BuiltRelease[] = [];
  for (const [model, entry] of Object.entries(catalog.models)) {
    for (const release of entry.releases) {
      const full = await buildFull(stateDir, keys, model, release);
      const diffs = new Map<number, BuiltPackage>();
      for (const base of release.differentialFrom) {
        const baseImage = encodeImages(await firmwareImages(stateDir, keys, model, base));
        const bytes = makeDiff(baseImage, full.bytes);
        const m = FotaManifest.parse(
          JSON.parse(Buffer.from(full.manifest.split('.')[1]!, 'base64url').toString('utf8')),
        );
        diffs.set(base, {
          bytes,
          manifest: await signManifest(keys.release, {
            ...m,
            kind: 'diff',
            baseVersion: base,
            baseImageSha256: sha256hex(baseImage),
            packageSha256: sha256hex(bytes),
            packageSize: bytes.length,
          }),
        });
      }
      out.push({ model, release, full, diffs });
    }
  }
  return out;
}
