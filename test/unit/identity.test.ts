import type { DetailedPeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CALLERS, identityAllowed, parseSpiffeId, spiffeId } from '../../kit/src/identity.js';
import { peerFromAltNames, peerFromCertificate, trustAnchors } from '../../kit/src/tls.js';
import { generateEcKeyPair, issueCertificate, type x509 } from '../../kit/src/x509.js';

type Issuer = { cert: x509.X509Certificate; key: CryptoKey };

describe('workload identities (SPIFFE URI SAN), never the OU', () => {
  it('reads kind and name from exactly one SPIFFE URI of the trust domain', () => {
    expect(
      peerFromAltNames('DNS:transaction, IP Address:127.0.0.1, URI:spiffe://dfs.local/service/transaction'),
    ).toEqual({ role: 'service', name: 'transaction', id: CALLERS.transaction });
    expect(peerFromAltNames(undefined).role).toBe('unknown');
    expect(peerFromAltNames('DNS:transaction').role).toBe('unknown');
    expect(peerFromAltNames('URI:spiffe://evil.example/service/transaction').role).toBe('unknown');
    expect(
      peerFromAltNames('URI:spiffe://dfs.local/service/transaction, URI:spiffe://dfs.local/service/risk').role,
    ).toBe('unknown');
    expect(parseSpiffeId('spiffe://dfs.local/root/x')).toBeNull();
  });

  it('admits exactly the listed identities; /* admits any name of one kind', () => {
    expect(identityAllowed([CALLERS.transaction], CALLERS.transaction)).toBe(true);
    expect(identityAllowed([CALLERS.transaction], CALLERS.attestation)).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], spiffeId('device', 'dev-0123456789abcdef0123'))).toBe(true);
    expect(identityAllowed([CALLERS.anyDevice], spiffeId('service', 'dev-1'))).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], 'spiffe://dfs.local/device/a/b')).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], '')).toBe(false);
  });
});

/** A CA: self-signed when no issuer is given. */
async function ca(subject: string, issuer?: Issuer): Promise<Issuer> {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject,
    publicKey: keys.publicKey,
    ...(issuer ? { issuer } : { selfKey: keys.privateKey }),
    ca: { pathLength: issuer ? 0 : 1 },
  });
  return { cert, key: keys.privateKey };
}

/** A client certificate naming one SPIFFE ID, as node:tls hands it over (with its issuer when given). */
async function peerCert(uri: string, issuer: Issuer, chain?: Issuer) {
  const keys = await generateEcKeyPair();
  const leaf = await issueCertificate({ subject: 'CN=x', publicKey: keys.publicKey, issuer, uris: [uri] });
  const raw = Buffer.from(leaf.rawData);
  const issuerCertificate = chain ? { raw: Buffer.from(chain.cert.rawData) } : undefined;
  return { raw, subjectaltname: `URI:${uri}`, issuerCertificate } as unknown as DetailedPeerCertificate;
}

describe('which CA may issue which kind (peerFromCertificate)', () => {
  it('root: services and operators; device CA: devices only; anything else names nobody', async () => {
    const root = await ca('CN=Root');
    const deviceCa = await ca('CN=Device CA', root);
    const anchors = trustAnchors([root.cert.toString('pem'), deviceCa.cert.toString('pem')].join('\n'));
    expect(anchors.map((a) => a.subject)).toEqual(['CN=Root']);
    const role = async (uri: string, issuer: Issuer, chain?: Issuer) =>
      peerFromCertificate(await peerCert(uri, issuer, chain), anchors).role;
    expect(await role(CALLERS.transaction, root)).toBe('service');
    expect(await role(spiffeId('operator', 'op'), root)).toBe('operator');
    expect(await role(spiffeId('device', 'dev-1'), deviceCa, deviceCa)).toBe('device');
    expect(await role(CALLERS.transaction, deviceCa, deviceCa)).toBe('unknown');
    expect(peerFromCertificate(await peerCert(CALLERS.transaction, deviceCa, deviceCa), anchors)).toEqual({
      role: 'unknown',
      name: '',
      id: '',
      claimed: CALLERS.transaction,
    });
    expect(await role(spiffeId('operator', 'op'), deviceCa, deviceCa)).toBe('unknown');
    expect(await role(spiffeId('device', 'dev-1'), root, root)).toBe('unknown');
    expect(await role(spiffeId('device', 'dev-1'), deviceCa)).toBe('unknown');
    const otherRoot = await ca('CN=Root');
    expect(await role(CALLERS.transaction, otherRoot)).toBe('unknown');
    expect(await role(spiffeId('device', 'dev-1'), await ca('CN=Device CA', otherRoot), deviceCa)).toBe('unknown');
  });
});
