import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** ECDSA P-256 with SHA-256: the one algorithm of the dev PKI and the attestation chains (R7). */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** A fresh EC P-256 key pair; `extractable` is false for keys that must never leave their holder. */
export function generateEcKeyPair(extractable = true): Promise<CryptoKeyPair> {
  return subtle.generateKey(EC_P256, extractable, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export interface IssueParams {
  subject: string;
  publicKey: CryptoKey;
  /** Absent for a self-signed certificate. */
  issuer?: { cert: x509.X509Certificate; key: CryptoKey };
  /** The key that signs a self-signed certificate. */
  selfKey?: CryptoKey;
  ca?: { pathLength?: number };
  serverNames?: string[];
  /** URI SANs: the workload identity (spiffe://dfs.local/...). */
  uris?: string[];
  usages?: ('serverAuth' | 'clientAuth')[];
  notBefore?: Date;
  notAfter?: Date;
  extra?: x509.Extension[];
  /** Certificate policy OIDs (an OEM attestation CA's security level). */
  policies?: string[];
}

/** Issues an X.509 certificate (or a self-signed one) with the constraints and usages given. */
export async function issueCertificate(p: IssueParams): Promise<x509.X509Certificate> {
  const signingKey = p.issuer?.key ?? p.selfKey;
  if (!signingKey) throw new Error('issueCertificate needs an issuer or a self key');
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(Boolean(p.ca), p.ca?.pathLength, true),
    new x509.KeyUsagesExtension(
      p.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(p.publicKey),
  ];
  if (p.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(p.issuer.cert.publicKey));
  if (p.usages?.length)
    extensions.push(new x509.ExtendedKeyUsageExtension(p.usages.map((u) => x509.ExtendedKeyUsage[u])));
  if (p.serverNames?.length || p.uris?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...(p.uris ?? []).map((u) => ({ type: 'url' as const, value: u })),
        ...(p.serverNames ?? []).map((n) =>
          /^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
        ),
      ]),
    );
  }
  if (p.policies?.length) extensions.push(new x509.CertificatePolicyExtension(p.policies));
  extensions.push(...(p.extra ?? []));
  const notBefore = p.notBefore ?? new Date(Date.now() - 60_000);
  return x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: p.subject,
    issuer: p.issuer?.cert.subject ?? p.subject,
    notBefore,
    notAfter: p.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000),
    signingAlgorithm: EC_P256,
    publicKey: p.publicKey,
    signingKey,
    extensions,
  });
}

/** PKCS#8 PEM of a private key (dev PKI files only; the eSE never calls this). */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Imports a PKCS#8 PEM EC P-256 private key for signing. */
export function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), EC_P256, false, ['sign']);
}

export { x509 };
