import { ATTESTATION_OID, decodeRecord, type AttestationRecord } from '../../../../kit/src/attestation-record.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { x509 } from '../../../../kit/src/x509.js';

/** Signature algorithms accepted anywhere in a chain (R7: no SHA-1, no RSA-PKCS1 with weak hashes). */
const ALLOWED_SIGNATURES = new Set(['ECDSA:SHA-256', 'ECDSA:SHA-384']);
const MAX_CHAIN = 5;

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
  return cert.issuer === issuer.subject && (await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false));
}

/** The attested key and the statement the eSE made about it. */
export interface VerifiedEvidence {
  record: AttestationRecord;
  leafPublicKey: x509.PublicKey;
}

/**
 * Verifies an attestation chain (leaf first) up to one of the pinned OEM roots, as Android Key
 * Attestation verifiers do: allowed signature algorithms, validity periods, every issuer CA:TRUE
 * with its path length respected, and exactly one attestation extension, in the leaf only.
 */
export async function verifyChain(chainDer: Uint8Array[], roots: x509.X509Certificate[], now: Date): Promise<VerifiedEvidence> {
  if (chainDer.length === 0 || chainDer.length > MAX_CHAIN) throw new DfsError('ATTESTATION_CHAIN_INVALID', 'chain length');
  const chain = chainDer.map(parse);
  for (const cert of chain) {
    if (!ALLOWED_SIGNATURES.has(sigAlg(cert))) throw new DfsError('ATTESTATION_CHAIN_INVALID', `signature algorithm ${sigAlg(cert)}`);
    if (cert.notBefore > now || cert.notAfter < now) throw new DfsError('ATTESTATION_CHAIN_INVALID', 'outside validity period');
  }
  const top = chain[chain.length - 1]!;
  const root = await findRoot(top, roots);
  if (!root) throw new DfsError('ATTESTATION_ROOT_UNKNOWN');

  const issuers = [...chain.slice(1), root];
  for (let i = 0; i < chain.length; i++) {
    const issuer = issuers[i]!;
    const bc = issuer.getExtension(x509.BasicConstraintsExtension);
    if (!bc?.ca) throw new DfsError('ATTESTATION_CHAIN_INVALID', `issuer ${i + 1} is not a CA`);
    if (bc.pathLength !== undefined && i > bc.pathLength) throw new DfsError('ATTESTATION_CHAIN_INVALID', `path length of issuer ${i + 1}`);
    if (!(await signedBy(chain[i]!, issuer))) throw new DfsError('ATTESTATION_CHAIN_INVALID', `signature of certificate ${i}`);
  }

  const leaf = chain[0]!;
  if (leaf.getExtension(x509.BasicConstraintsExtension)?.ca) throw new DfsError('ATTESTATION_CHAIN_INVALID', 'leaf is a CA');
  const all = chain.flatMap((c) => c.extensions.filter((e) => e.type === ATTESTATION_OID));
  const own = leaf.extensions.filter((e) => e.type === ATTESTATION_OID);
  if (all.length !== 1 || own.length !== 1) throw new DfsError('ATTESTATION_EXTENSION_INVALID', `${all.length} attestation extensions`);
  const record = decodeRecord(own[0]!.value);
  if (!record) throw new DfsError('ATTESTATION_EXTENSION_INVALID', 'malformed record');
  return { record, leafPublicKey: leaf.publicKey };
}

async function findRoot(top: x509.X509Certificate, roots: x509.X509Certificate[]): Promise<x509.X509Certificate | undefined> {
  for (const root of roots) if (await signedBy(top, root)) return root;
  return undefined;
}
