import { AttestationRecord } from '../../contracts/attestation-record.js';

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

export { AttestationRecord, firmwareManifestBytes } from '../../contracts/attestation-record.js';

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
