import { z } from 'zod';

/**
 * OID of the attestation extension in the leaf certificate of an eSE attestation chain, under
 * IANA's enterprise number reserved for documentation (RFC 5612), so it collides with no real
 * arc. It plays the role of Android Key Attestation's 1.3.6.1.4.1.11129.2.1.17; see docs/ATTESTATION.md.
 */
export const ATTESTATION_OID = '1.3.6.1.4.1.32473.1.17';

/**
 * Certificate policy OIDs that mark which kind of OEM attestation CA a chain runs through: the eSE
 * factory-batch CA or the software-attestation CA (firmware keys of phones without an eSE). The
 * verifier derives the key's security level from them, never from the record (docs/ATTESTATION.md),
 * as Android Key Attestation verifiers trust attestationSecurityLevel only under the right root.
 */
export const SECURITY_LEVEL_POLICY = { ese: '1.3.6.1.4.1.32473.1.20.1', software: '1.3.6.1.4.1.32473.1.20.2' } as const;

const patch = z.number().int().min(200001).max(299912);

/**
 * The attested statement, field for field what Android Key Attestation carries (challenge, key
 * properties, root of trust, patch levels, application identity) plus KaiOS safeguard's identity
 * and safety verdict (seed 000 §Safeguard). Encoded as UTF-8 JSON in the extension value.
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
  firmware: z.object({
    version: z.number().int().nonnegative(),
    patchLevel: patch,
    imagesSha256: z.string().regex(/^[0-9a-f]{64}$/),
    signature: z.string().regex(/^[A-Za-z0-9_-]{40,200}$/),
  }).strict().optional(),
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

/** Encodes a record as the extension value. */
export function encodeRecord(record: AttestationRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}

/** Decodes and validates an extension value; null when it is not a well-formed record. */
export function decodeRecord(value: ArrayBuffer | Uint8Array): AttestationRecord | null {
  try {
    const parsed = AttestationRecord.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The one phone model the simulated OEM builds. */
export const DEVICE_MODEL = 'KaiPhone 4G';

/** The daemon's package as the store signs it; the attestation policy allows this identity. */
export const PAYMENT_DAEMON_PACKAGE = 'org.dfs.paymentdaemon';
/** The Linux UID the payment daemon runs as on the phone (its keys are owned by it). */
export const PAYMENT_DAEMON_UID = 1077;

/** The bytes the OEM build key signs for a firmware manifest (FOTA package): version, patch level and the digest of its images. */
export function firmwareManifestBytes(version: number, patchLevel: number, imagesSha256: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([Buffer.from(`fota:${version}:${patchLevel}:`), imagesSha256]));
}
