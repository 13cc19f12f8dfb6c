import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { firmwareManifestBytes, type AttestationRecord } from '../../../../kit/src/attestation-record.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { EC_P256, subtle } from '../../../../kit/src/x509.js';

/**
 * What the OEM and the payment app's developer publish for verifiers (ATTESTATION_DEVICE_TRUST_FILE):
 * per model, the verified-boot (firmware build) public keys as SPKI base64; per app package, the
 * SHA-256 digests of the certificates allowed to sign it (Play Integrity's certificateSha256Digest).
 */
const DeviceTrustFile = z
  .object({
    models: z.record(
      z.string().min(1),
      z.object({ verifiedBootKeys: z.array(z.string().min(60).max(400)).min(1) }).strict(),
    ),
    applications: z.record(
      z.string().min(1),
      z.object({ signingCertificateSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).min(1) }).strict(),
    ),
  })
  .strict();

/** The trust data in force: boot key hashes and keys per model, signer digests per package. */
export interface DeviceTrust {
  models: ReadonlyMap<string, { bootKeyHashes: ReadonlySet<string>; keys: CryptoKey[] }>;
  applications: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Reads, validates and imports the trust file; a bad file stops the service with CONFIG_INVALID. */
export async function loadDeviceTrust(file: string): Promise<DeviceTrust> {
  let parsed: z.infer<typeof DeviceTrustFile>;
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       ATTESTATION_DEVICE_TRUST_FILE, read once at start-up */
    parsed = DeviceTrustFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `device trust ${file}: ${(err as Error).message}`, { cause: err });
  }
  const models = new Map<string, { bootKeyHashes: Set<string>; keys: CryptoKey[] }>();
  for (const [model, { verifiedBootKeys }] of Object.entries(parsed.models)) {
    const spkis = verifiedBootKeys.map((k) => Buffer.from(k, 'base64'));
    const keys = await Promise.all(
      spkis.map((spki) =>
        subtle.importKey('spki', spki, EC_P256, false, ['verify']).catch((err: unknown) => {
          throw new DfsError('CONFIG_INVALID', `device trust ${file}: a boot key of ${model} is not an EC P-256 SPKI`, {
            cause: err,
          });
        }),
      ),
    );
    models.set(model, { bootKeyHashes: new Set(spkis.map((s) => createHash('sha256').update(s).digest('hex'))), keys });
  }
  const applications = new Map(
    Object.entries(parsed.applications).map(([pkg, a]) => [pkg, new Set(a.signingCertificateSha256)] as const),
  );
  return { models, applications };
}

/** True when the record carries a firmware manifest signed by one of its model's boot keys. */
export async function firmwareSigned(record: AttestationRecord, trust: DeviceTrust): Promise<boolean> {
  const fw = record.firmware;
  const keys = trust.models.get(record.device.model)?.keys ?? [];
  if (!fw || !keys.length) return false;
  const bytes = firmwareManifestBytes(fw.version, fw.patchLevel, Buffer.from(fw.imagesSha256, 'hex'));
  const signature = new Uint8Array(Buffer.from(fw.signature, 'base64url'));
  for (const key of keys) if (await subtle.verify(EC_P256, key, signature, bytes)) return true;
  return false;
}
