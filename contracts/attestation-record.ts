import { z } from 'zod';

const patch = z.number().int().min(200001).max(299912);

/**
 * The manifest of a firmware build as the OEM build key signs it in its FOTA package: version,
 * patch level, the digest of its images, and the raw ES256 signature (base64url) over
 * `firmwareManifestBytes`. It is the package signature the phone's FOTA checks too, so it is not
 * a JWS and has no `typ`; the `fota:` prefix of the signed bytes keeps it apart from every JWS.
 */
export const FirmwareManifest = z
  .object({
    version: z.number().int().nonnegative(),
    patchLevel: patch,
    imagesSha256: z.string().regex(/^[0-9a-f]{64}$/),
    signature: z.string().regex(/^[A-Za-z0-9_-]{40,200}$/),
  })
  .strict();
export type FirmwareManifest = z.infer<typeof FirmwareManifest>;

/**
 * The bytes the OEM build key signs for a firmware manifest (FOTA package): version, patch level, digest of its images.
 */
export function firmwareManifestBytes(
  version: number,
  patchLevel: number,
  imagesSha256: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`fota:${version}:${patchLevel}:`);
  const bytes = new Uint8Array(prefix.length + imagesSha256.length);
  bytes.set(prefix);
  bytes.set(imagesSha256, prefix.length);
  return bytes;
}

/**
 * The attested statement, field for field what Android Key Attestation carries (challenge, key
 * properties, root of trust, patch levels, application identity) plus KaiOS safeguard's identity
 * and safety verdict (seed 000 §Safeguard). Encoded as UTF-8 JSON in the extension value of the
 * leaf certificate the eSE's attestation key signs (not a JWS, hence no `typ`).
 */
export const AttestationRecord = z.object({
  version: z.literal(1),
  challenge: z.string().min(16).max(128),
  key: z.object({
    algorithm: z.literal('EC_P256'),
    purposes: z.array(z.enum(['sign', 'verify', 'encrypt', 'decrypt'])).max(4),
    exportable: z.boolean(),
    ownerUid: z.number().int().nonnegative(),
    origin: z.enum(['generated', 'imported']),
    securityLevel: z.enum(['ese', 'software']),
  }),
  device: z.object({
    imei: z.string().regex(/^\d{15}$/),
    model: z.string().min(1).max(64),
    serial: z.string().min(1).max(64),
  }),
  rootOfTrust: z.object({
    verifiedBootState: z.enum(['verified', 'unverified', 'failed']),
    deviceLocked: z.boolean(),
    verifiedBootKeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  patchLevel: z.object({ os: patch, vendor: patch, boot: patch }),
  rollbackIndex: z.number().int().nonnegative(),
  /** The OEM-signed manifest of the firmware that booted (the FOTA package metadata): what binds the patch level. */
  firmware: FirmwareManifest.optional(),
  application: z.object({
    packageName: z.string().min(1).max(128),
    signatureDigest: z.string().regex(/^[0-9a-f]{64}$/),
    version: z.number().int().nonnegative(),
  }),
  safety: z.object({
    rooted: z.boolean(),
    debug: z.boolean(),
    emulator: z.boolean(),
    developerMode: z.boolean(),
    buildType: z.enum(['user', 'userdebug', 'eng']),
  }),
  issuedAt: z.number().int().positive(),
});
export type AttestationRecord = z.infer<typeof AttestationRecord>;
