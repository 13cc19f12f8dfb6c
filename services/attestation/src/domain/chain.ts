import {
  ATTESTATION_OID,
  decodeRecord,
  SECURITY_LEVEL_POLICY,
  type AttestationRecord,
} from '../../../../kit/src/attestation-record.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { x509 } from '../../../../kit/src/x509.js';

/** Signature algorithms accepted anywhere in a chain (R7: ECDSA with SHA-256/384 only; no SHA-1, no RSA). */
const ALLOWED_SIGNATURES = new Set(['ECDSA:SHA-256', 'ECDSA:SHA-384']);
const MAX_CHAIN = 5;

/** What a chain is checked against: the pinned OEM roots and the serials the OEM has revoked. */
export interface TrustAnchors {
  roots: x509.X509Certificate[];
  /** Lower-case hex serial numbers of revoked attestation certificates. */
  revokedSerials: ReadonlySet<string>;
  /** The roots a chain ending at `presented` may chain to; absent, the pinned `roots` only. */
  rootsFor?: (presented: x509.X509Certificate) => x509.X509Certificate[];
}

function sigAlg(cert: x509.X509Certificate): string {
  const a = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  return `${a.name}:${a.hash?.name ?? ''}`;
}

function parse(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(new Uint8Array(der));
  } catch (err) {
    throw new DfsError('ATTESTATION_CHAIN_INVALID', 'unparseable certificate', { cause: err });
  }
}

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  return (
    cert.issuer === issuer.subject &&
    (await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false))
  );
}

const sameCert = (a: x509.X509Certificate, b: x509.X509Certificate) =>
  Buffer.from(a.rawData).equals(Buffer.from(b.rawData));

/** The attested key and the statement the eSE made about it. */
export interface VerifiedEvidence {
  record: AttestationRecord;
  leafPublicKey: x509.PublicKey;
  /** Serial numbers of the presented chain, leaf first (for the log and the registry). */
  serials: string[];
  /** The verified issuers of the leaf, nearest first, up to and including the pinned root. */
  issuers: x509.X509Certificate[];
}

/** The security level a verified chain proves: what a DeriveLevel strategy returns. */
export type SecurityLevel = 'ese' | 'software';

/** Decides the attested key's security level from verified evidence (injected at wiring; levelFromChain by default). */
export type DeriveLevel = (evidence: VerifiedEvidence) => SecurityLevel;

const policiesOf = (cert: x509.X509Certificate): readonly string[] =>
  cert.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];

/**
 * The security level from which OEM attestation CA signed (Android Key Attestation's
 * attestationSecurityLevel, trusted only under the right CA): `ese` only when an issuer carries the
 * eSE policy and none carries the software one; anything else is `software`, the lowest.
 */
export const levelFromChain: DeriveLevel = ({ issuers }) => {
  const policies = issuers.flatMap(policiesOf);
  return policies.includes(SECURITY_LEVEL_POLICY.ese) && !policies.includes(SECURITY_LEVEL_POLICY.software)
    ? 'ese'
    : 'software';
};

/**
 * Verifies an attestation chain (leaf first) up to one of the pinned OEM roots, as Android Key
 * Attestation verifiers do, in this order: parse and length, allowed signature algorithms, validity
 * periods, no self-signed certificate, a pinned root, no revoked issuer (a batch CA: ATTESTATION_BATCH_REVOKED)
 * nor revoked leaf, every issuer CA:TRUE with
 * its path length respected and its signature valid, and exactly one attestation extension, in the leaf.
 */
/**
 * ATTESTATION_BATCH_REVOKED when `revoked` lists an issuer of the chain (its batch CA, a CA, the root),
 * ATTESTATION_CERT_REVOKED when it lists the leaf. Serials in lower-case hex.
 */
export function checkRevoked(leaf: string, issuers: readonly string[], revoked: ReadonlySet<string>): void {
  const revokedIssuer = issuers.find((s) => revoked.has(s));
  if (revokedIssuer) throw new DfsError('ATTESTATION_BATCH_REVOKED', revokedIssuer);
  if (revoked.has(leaf)) throw new DfsError('ATTESTATION_CERT_REVOKED', leaf);
}

export async function verifyChain(chainDer: Uint8Array[], anchors: TrustAnchors, now: Date): Promise<VerifiedEvidence> {
  if (chainDer.length === 0 || chainDer.length > MAX_CHAIN)
    throw new DfsError('ATTESTATION_CHAIN_INVALID', 'chain length');
  const chain = chainDer.map(parse);
  const last = chain[chain.length - 1]!;
  const roots = anchors.rootsFor?.(last) ?? anchors.roots;
  if (chain.length > 1 && roots.some((r) => sameCert(r, last))) chain.pop();
  for (const cert of chain) {
    if (!ALLOWED_SIGNATURES.has(sigAlg(cert))) throw new DfsError('ATTESTATION_SIGNATURE_ALGORITHM', sigAlg(cert));
    if (cert.notBefore > now || cert.notAfter < now) throw new DfsError('ATTESTATION_CERT_VALIDITY', cert.serialNumber);
  }
  for (const cert of chain) {
    if (cert.subject === cert.issuer && (await cert.isSelfSigned().catch(() => false)))
      throw new DfsError('ATTESTATION_SELF_SIGNED', cert.serialNumber);
  }
  const root = await findRoot(chain[chain.length - 1]!, roots);
  if (!root) throw new DfsError('ATTESTATION_ROOT_UNKNOWN');
  if (root.notBefore > now || root.notAfter < now) throw new DfsError('ATTESTATION_CERT_VALIDITY', 'pinned root');
  const serials = chain.map((c) => c.serialNumber.toLowerCase());
  checkRevoked(serials[0]!, [...serials.slice(1), root.serialNumber.toLowerCase()], anchors.revokedSerials);

  const issuers = [...chain.slice(1), root];
  for (let i = 0; i < chain.length; i++) {
    const issuer = issuers[i]!;
    const bc = issuer.getExtension(x509.BasicConstraintsExtension);
    if (!bc?.ca) throw new DfsError('ATTESTATION_ISSUER_NOT_CA', `issuer ${i + 1}`);
    if (bc.pathLength !== undefined && i > bc.pathLength)
      throw new DfsError('ATTESTATION_CHAIN_INVALID', `path length of issuer ${i + 1}`);
    if (!(await signedBy(chain[i]!, issuer)))
      throw new DfsError('ATTESTATION_CHAIN_INVALID', `signature of certificate ${i}`);
  }

  const leaf = chain[0]!;
  if (leaf.getExtension(x509.BasicConstraintsExtension)?.ca)
    throw new DfsError('ATTESTATION_CHAIN_INVALID', 'leaf is a CA');
  const all = chain.flatMap((c) => c.extensions.filter((e) => e.type === ATTESTATION_OID));
  const own = leaf.extensions.filter((e) => e.type === ATTESTATION_OID);
  if (all.length === 0) throw new DfsError('ATTESTATION_EXTENSION_INVALID', 'no attestation extension');
  if (all.length !== 1 || own.length !== 1)
    throw new DfsError(
      'ATTESTATION_EXTENSION_COUNT',
      `${all.length} attestation extensions, ${own.length} in the leaf`,
    );
  const record = decodeRecord(own[0]!.value);
  if (!record) throw new DfsError('ATTESTATION_EXTENSION_INVALID', 'malformed record');
  return { record, leafPublicKey: leaf.publicKey, serials, issuers };
}

async function findRoot(
  top: x509.X509Certificate,
  roots: x509.X509Certificate[],
): Promise<x509.X509Certificate | undefined> {
  for (const root of roots) if (await signedBy(top, root)) return root;
  return undefined;
}
