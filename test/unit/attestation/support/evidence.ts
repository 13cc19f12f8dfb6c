import { createHash, generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { readFileSync } from 'node:fs';
import {
  ATTESTATION_OID,
  DEVICE_MODEL,
  encodeRecord,
  firmwareManifestBytes,
  PAYMENT_DAEMON_PACKAGE,
  PAYMENT_DAEMON_UID,
  SECURITY_LEVEL_POLICY,
  type AttestationRecord,
} from '../../../../kit/src/attestation-record.js';
import type { PkiPaths } from '../../../../kit/src/pki.js';
import {
  EC_P256,
  generateEcKeyPair,
  importPrivateKeyPem,
  issueCertificate,
  subtle,
  x509,
} from '../../../../kit/src/x509.js';
import type { DeviceTrust } from '../../../../services/attestation/src/domain/device-trust.js';
import { randomImei } from '../../../../device-sim/src/imei.js';

/** A CA certificate and its key: a test root, a rogue root, or a factory key chained to the OEM root. */
export interface Issuer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/** The signed facts a genuine record carries: boot key hash, OEM-signed firmware manifest, daemon signer digest. */
export interface GenuineFacts {
  verifiedBootKeyHash: string;
  firmware: NonNullable<AttestationRecord['firmware']>;
  application: AttestationRecord['application'];
}

/** Signs a firmware manifest with an OEM build key, as the FOTA package metadata is signed. */
async function signedManifest(
  buildKey: CryptoKey,
  version: number,
  patchLevel: number,
): Promise<GenuineFacts['firmware']> {
  const imagesSha256 = createHash('sha256').update(`images ${version}`).digest();
  const signature = Buffer.from(
    await subtle.sign(EC_P256, buildKey, firmwareManifestBytes(version, patchLevel, imagesSha256)),
  );
  return {
    version,
    patchLevel,
    imagesSha256: imagesSha256.toString('hex'),
    signature: signature.toString('base64url'),
  };
}

let facts: GenuineFacts | undefined;

/** Sets the facts goodRecord uses (the test's OEM: a unit trust or a running stack's state directory). */
export function useFacts(f: GenuineFacts): void {
  facts = f;
}

/** A fresh OEM build key and app signer for unit tests: the trust to verify with and the facts records carry. */
export async function unitTrust(): Promise<{ trust: DeviceTrust; facts: GenuineFacts }> {
  const build = await generateEcKeyPair();
  const spki = Buffer.from(await subtle.exportKey('spki', build.publicKey));
  const signer = createHash('sha256').update('unit app signer').digest('hex');
  const verifiedBootKeyHash = createHash('sha256').update(spki).digest('hex');
  const trust: DeviceTrust = {
    models: new Map(
      ['Other 3G', DEVICE_MODEL].map((m) => [
        m,
        { bootKeyHashes: new Set([verifiedBootKeyHash]), keys: [build.publicKey] },
      ]),
    ),
    applications: new Map([[PAYMENT_DAEMON_PACKAGE, new Set([signer])]]),
  };
  return {
    trust,
    facts: {
      verifiedBootKeyHash,
      firmware: await signedManifest(build.privateKey, 3, 202610),
      application: { packageName: PAYMENT_DAEMON_PACKAGE, signatureDigest: signer, version: 1 },
    },
  };
}

/** The facts of a running stack's OEM and developer (its state directory's build key and trust file). */
export async function stackFacts(pki: PkiPaths): Promise<GenuineFacts> {
  const trust = JSON.parse(readFileSync(pki.deviceTrust, 'utf8')) as {
    models: Record<string, { verifiedBootKeys: string[] }>;
    applications: Record<string, { signingCertificateSha256: string[] }>;
  };
  const spki = Buffer.from(trust.models[DEVICE_MODEL]!.verifiedBootKeys[0]!, 'base64');
  return {
    verifiedBootKeyHash: createHash('sha256').update(spki).digest('hex'),
    firmware: await signedManifest(await importPrivateKeyPem(readFileSync(pki.oemBuild.key, 'utf8')), 3, 202610),
    application: {
      packageName: PAYMENT_DAEMON_PACKAGE,
      signatureDigest: trust.applications[PAYMENT_DAEMON_PACKAGE]!.signingCertificateSha256[0]!,
      version: 1,
    },
  };
}

/** A record the shipped policy accepts at tier HIGH; `edit` plays the attacker or the weak phone. */
export function goodRecord(
  challenge: string,
  edit: (r: AttestationRecord) => void = () => {},
  now = Date.now(),
): AttestationRecord {
  if (!facts) throw new Error('goodRecord needs useFacts(unitTrust().facts or stackFacts(pki)) first');
  const r: AttestationRecord = {
    version: 1,
    challenge,
    key: {
      algorithm: 'EC_P256',
      purposes: ['sign', 'verify'],
      exportable: false,
      ownerUid: PAYMENT_DAEMON_UID,
      origin: 'generated',
      securityLevel: 'ese',
    },
    device: { imei: randomImei(), model: 'KaiPhone 4G', serial: 'SN0001' },
    rootOfTrust: { verifiedBootState: 'verified', deviceLocked: true, verifiedBootKeyHash: facts.verifiedBootKeyHash },
    patchLevel: { os: 202610, vendor: 202610, boot: 202610 },
    rollbackIndex: 3,
    firmware: { ...facts.firmware },
    application: { ...facts.application },
    safety: { rooted: false, debug: false, emulator: false, developerMode: false, buildType: 'user' },
    issuedAt: now,
  };
  edit(r);
  return r;
}

/** A self-signed root CA. */
export async function rootCa(subject = 'CN=Test Root'): Promise<Issuer> {
  const keys = await generateEcKeyPair();
  return {
    cert: await issueCertificate({ subject, publicKey: keys.publicKey, selfKey: keys.privateKey, ca: {} }),
    key: keys.privateKey,
  };
}

/**
 * An intermediate certificate signed by `issuer`, marked with the eSE attestation policy unless
 * `policies` says otherwise; `ca: false` makes the OEM mistake of a non-CA issuer.
 */
export async function intermediate(
  issuer: Issuer,
  opts: { ca?: boolean; pathLength?: number; extra?: x509.Extension[]; policies?: string[] } = {},
): Promise<Issuer> {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject: 'CN=Factory attestation key, O=Test',
    publicKey: keys.publicKey,
    issuer,
    policies: opts.policies ?? [SECURITY_LEVEL_POLICY.ese],
    ...(opts.ca === false ? {} : { ca: { pathLength: opts.pathLength ?? 0 } }),
    ...(opts.extra ? { extra: opts.extra } : {}),
  });
  return { cert, key: keys.privateKey };
}

/** The attestation extension carrying `record` (or raw bytes, to send a malformed one). */
export function attestationExtension(record: AttestationRecord | Uint8Array): x509.Extension {
  return new x509.Extension(
    ATTESTATION_OID,
    false,
    new Uint8Array(record instanceof Uint8Array ? record : encodeRecord(record)),
  );
}

/**
 * The attested leaf: a key the caller holds (the attacker's,
 * extractable) certified by `issuer` with the given extensions.
 */
export async function attestedLeaf(
  issuer: Issuer | 'self',
  extensions: x509.Extension[],
  opts: { notBefore?: Date; notAfter?: Date } = {},
) {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject: 'CN=eSE attested key',
    publicKey: keys.publicKey,
    extra: extensions,
    ...opts,
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
export async function enrollRequest(p: {
  challengeId: string;
  chain: x509.X509Certificate[];
  leafKey: CryptoKey;
  accountId?: string;
}) {
  const accountId = p.accountId ?? 'wallet-forged';
  const tls = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlsPublicKey = tls.publicKey.export({ type: 'spki', format: 'der' });
  const payload = {
    challengeId: p.challengeId,
    tlsKeySha256: createHash('sha256').update(tlsPublicKey).digest('base64url'),
    accountId,
  };
  const proof = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'dfs-enroll+jws' })
    .sign(p.leafKey);
  return {
    request: { challengeId: p.challengeId, attestationChain: der(p.chain), proof, tlsPublicKey, accountId },
    tlsKeyPem: tls.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
