import { ATTESTATION_OID, encodeRecord, type AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { issueCertificate, x509 } from '../../../kit/src/x509.js';

/** What boot and safeguard record at power-on; frozen once written for this power cycle. */
export interface PowerOnState {
  rootOfTrust: AttestationRecord['rootOfTrust'];
  patchLevel: AttestationRecord['patchLevel'];
  safety: AttestationRecord['safety'];
  /** Version of the firmware that booted (what the attestation reports as rollback index). */
  rollbackIndex: number;
  /** The OEM-signed manifest of the firmware that booted. */
  firmware?: AttestationRecord['firmware'];
}

/** An attestation signing key and its chain up to (not including) the OEM root. */
export interface AttestationSigner {
  key: CryptoKey;
  chain: x509.X509Certificate[];
}

/**
 * Issues the leaf of an attestation chain: a certificate for the attested public key, signed by the
 * attestation key, carrying the record as its one extension; returns the DER chain, leaf first.
 */
export async function attestationChain(
  publicKey: CryptoKey,
  record: AttestationRecord,
  signer: AttestationSigner,
): Promise<Uint8Array[]> {
  const issuerCert = signer.chain[0];
  if (!issuerCert) throw new DfsError('ESE_KEY_NOT_FOUND', 'no attestation chain');
  const leaf = await issueCertificate({
    subject: `CN=${record.key.securityLevel === 'ese' ? 'eSE' : 'software'} attested key`,
    publicKey,
    issuer: { cert: issuerCert, key: signer.key },
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    extra: [new x509.Extension(ATTESTATION_OID, false, new Uint8Array(encodeRecord(record)))],
  });
  return [leaf, ...signer.chain].map((c) => new Uint8Array(c.rawData));
}
