import { createHash, generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { ATTESTATION_OID, encodeRecord, PAYMENT_DAEMON_PACKAGE, PAYMENT_DAEMON_UID, SECURITY_LEVEL_POLICY, type AttestationRecord } from '../../../../kit/src/attestation-record.js';
import { generateEcKeyPair, issueCertificate, x509 } from '../../../../kit/src/x509.js';
import { randomImei } from '../../../../device-sim/src/imei.js';

/** A CA certificate and its key: a test root, a rogue root, or a factory key chained to the OEM root. */
export interface Issuer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/** The daemon's package identity as the store signs it (what the shipped policy allows). */
export function daemonApplication(): AttestationRecord['application'] {
  return { packageName: PAYMENT_DAEMON_PACKAGE, signatureDigest: createHash('sha256').update(`dfs-store-signed:${PAYMENT_DAEMON_PACKAGE}`).digest('hex'), version: 1 };
}

/** A record the shipped policy accepts at tier HIGH; `edit` plays the attacker or the weak phone. */
export function goodRecord(challenge: string, edit: (r: AttestationRecord) => void = () => {}, now = Date.now()): AttestationRecord {
  const r: AttestationRecord = {
    version: 1,
    challenge,
    key: { algorithm: 'EC_P256', purposes: ['sign', 'verify'], exportable: false, ownerUid: PAYMENT_DAEMON_UID, origin: 'generated', securityLevel: 'ese' },
    device: { imei: randomImei(), model: 'KaiPhone 4G', serial: 'SN0001' },
    rootOfTrust: { verifiedBootState: 'verified', deviceLocked: true, verifiedBootKeyHash: 'a'.repeat(64) },
    patchLevel: { os: 202610, vendor: 202610, boot: 202610 },
    rollbackIndex: 3,
    application: daemonApplication(),
    safety: { rooted: false, debug: false, emulator: false, developerMode: false, buildType: 'user' },
    issuedAt: now,
  };
  edit(r);
  return r;
}

/** A self-signed root CA. */
export async function rootCa(subject = 'CN=Test Root'): Promise<Issuer> {
  const keys = await generateEcKeyPair();
  return { cert: await issueCertificate({ subject, publicKey: keys.publicKey, selfKey: keys.privateKey, ca: {} }), key: keys.privateKey };
}

/**
 * An intermediate certificate signed by `issuer`, marked with the eSE attestation policy unless
 * `policies` says otherwise; `ca: false` makes the OEM mistake of a non-CA issuer.
 */
export async function intermediate(issuer: Issuer, opts: { ca?: boolean; pathLength?: number; extra?: x509.Extension[]; policies?: string[] } = {}): Promise<Issuer> {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject: 'CN=Factory attestation key, O=Test', publicKey: keys.publicKey, issuer, policies: opts.policies ?? [SECURITY_LEVEL_POLICY.ese],
    ...(opts.ca === false ? {} : { ca: { pathLength: opts.pathLength ?? 0 } }), ...(opts.extra ? { extra: opts.extra } : {}),
  });
  return { cert, key: keys.privateKey };
}

/** The attestation extension carrying `record` (or raw bytes, to send a malformed one). */
export function attestationExtension(record: AttestationRecord | Uint8Array): x509.Extension {
  return new x509.Extension(ATTESTATION_OID, false, new Uint8Array(record instanceof Uint8Array ? record : encodeRecord(record)));
}

/** The attested leaf: a key the caller holds (the attacker's, extractable) certified by `issuer` with the given extensions. */
export async function attestedLeaf(issuer: Issuer | 'self', extensions: x509.Extension[], opts: { notBefore?: Date; notAfter?: Date } = {}) {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject: 'CN=eSE attested key', publicKey: keys.publicKey, extra: extensions, ...opts,
    ...(issuer === 'self' ? { selfKey: keys.privateKey } : { issuer }),
  });
  return { cert, keys };
}

/** DER of a chain, leaf first. */
export const der = (certs: x509.X509Certificate[]) => certs.map((c) => Buffer.from(c.rawData));

/**
 * An Enroll request as a phone (or an attacker) sends it: the chain, a fresh TLS key, and the proof
 * of possession signed by the attested key over {challengeId, tlsKeySha256, accountId}.
 */
export async function enrollRequest(p: { challengeId: string; chain: x509.X509Certificate[]; leafKey: CryptoKey; accountId?: string }) {
  const accountId = p.accountId ?? 'wallet-forged';
  const tls = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlsPublicKey = tls.publicKey.export({ type: 'spki', format: 'der' });
  const payload = { challengeId: p.challengeId, tlsKeySha256: createHash('sha256').update(tlsPublicKey).digest('base64url'), accountId };
  const proof = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', typ: 'dfs-enroll+jws' }).sign(p.leafKey);
  return {
    request: { challengeId: p.challengeId, attestationChain: der(p.chain), proof, tlsPublicKey, accountId },
    tlsKeyPem: tls.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
