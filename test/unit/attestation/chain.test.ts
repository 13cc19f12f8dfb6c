import { beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { ATTESTATION_OID } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { generateEcKeyPair, x509 } from '../../../kit/src/x509.js';
import { verifyChain, type TrustAnchors } from '../../../services/attestation/src/domain/chain.js';
import {
  attestationExtension,
  attestedLeaf,
  der,
  goodRecord,
  intermediate,
  rootCa,
  unitTrust,
  useFacts,
  type Issuer,
} from './support/evidence.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof DfsError ? err.code : 'NOT_A_DFS_ERROR';
  }
  return 'ACCEPTED';
}

describe('verifyChain (Android Key Attestation style chain checks)', () => {
  let root: Issuer;
  let factory: Issuer;
  let anchors: TrustAnchors;
  const now = () => new Date();
  const ext = () => attestationExtension(goodRecord('c'.repeat(43)));

  beforeAll(async () => {
    useFacts((await unitTrust()).facts);
    root = await rootCa('CN=Pinned OEM Root');
    factory = await intermediate(root);
    anchors = { roots: [root.cert], revokedSerials: new Set() };
  });

  it('accepts leaf -> factory key -> pinned root and returns the record and the leaf key', async () => {
    const leaf = await attestedLeaf(factory, [ext()]);
    const v = await verifyChain(der([leaf.cert, factory.cert]), anchors, now());
    expect(v.record.challenge).toBe('c'.repeat(43));
    expect(v.serials).toHaveLength(2);
  });

  it('accepts a chain that also carries the pinned root itself', async () => {
    const leaf = await attestedLeaf(factory, [ext()]);
    await expect(verifyChain(der([leaf.cert, factory.cert, root.cert]), anchors, now())).resolves.toBeTruthy();
  });

  it('accepts any of several pinned roots (root rotation)', async () => {
    const newRoot = await rootCa('CN=Next OEM Root');
    const newFactory = await intermediate(newRoot);
    const leaf = await attestedLeaf(newFactory, [ext()]);
    const both = { roots: [newRoot.cert, root.cert], revokedSerials: new Set<string>() };
    await expect(verifyChain(der([leaf.cert, newFactory.cert]), both, now())).resolves.toBeTruthy();
    expect(await codeOf(verifyChain(der([leaf.cert, newFactory.cert]), anchors, now()))).toBe(
      'ATTESTATION_ROOT_UNKNOWN',
    );
  });

  it('refuses a chain to a rogue root (ATTESTATION_ROOT_UNKNOWN)', async () => {
    const rogueFactory = await intermediate(await rootCa('CN=Pinned OEM Root'));
    const leaf = await attestedLeaf(rogueFactory, [ext()]);
    expect(await codeOf(verifyChain(der([leaf.cert, rogueFactory.cert]), anchors, now()))).toBe(
      'ATTESTATION_ROOT_UNKNOWN',
    );
  });

  it(
    'refuses a self-signed leaf and a chain ending in ' + 'a self-signed rogue root (ATTESTATION_SELF_SIGNED)',
    async () => {
      const self = await attestedLeaf('self', [ext()]);
      expect(await codeOf(verifyChain(der([self.cert]), anchors, now()))).toBe('ATTESTATION_SELF_SIGNED');
      const rogue = await rootCa('CN=Pinned OEM Root');
      const rogueFactory = await intermediate(rogue);
      const leaf = await attestedLeaf(rogueFactory, [ext()]);
      expect(await codeOf(verifyChain(der([leaf.cert, rogueFactory.cert, rogue.cert]), anchors, now()))).toBe(
        'ATTESTATION_SELF_SIGNED',
      );
    },
  );

  it('refuses a leaf issued by a certificate without CA:TRUE (ATTESTATION_ISSUER_NOT_CA)', async () => {
    const notCa = await intermediate(root, { ca: false });
    const leaf = await attestedLeaf(notCa, [ext()]);
    expect(await codeOf(verifyChain(der([leaf.cert, notCa.cert]), anchors, now()))).toBe('ATTESTATION_ISSUER_NOT_CA');
  });

  it('refuses a chain longer than an issuer path length allows (ATTESTATION_CHAIN_INVALID)', async () => {
    const sub = await intermediate(factory);
    const leaf = await attestedLeaf(sub, [ext()]);
    expect(await codeOf(verifyChain(der([leaf.cert, sub.cert, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_CHAIN_INVALID',
    );
  });

  it(
    'refuses two attestation extensions in the leaf, and ' + 'one in an intermediate (ATTESTATION_EXTENSION_COUNT)',
    async () => {
      const two = await attestedLeaf(factory, [ext(), ext()]);
      expect(await codeOf(verifyChain(der([two.cert, factory.cert]), anchors, now()))).toBe(
        'ATTESTATION_EXTENSION_COUNT',
      );
      const carrying = await intermediate(root, { extra: [ext()] });
      const leaf = await attestedLeaf(carrying, [ext()]);
      expect(await codeOf(verifyChain(der([leaf.cert, carrying.cert]), anchors, now()))).toBe(
        'ATTESTATION_EXTENSION_COUNT',
      );
    },
  );

  it('refuses a missing or malformed record (ATTESTATION_EXTENSION_INVALID)', async () => {
    const none = await attestedLeaf(factory, []);
    expect(await codeOf(verifyChain(der([none.cert, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_EXTENSION_INVALID',
    );
    const junk = await attestedLeaf(factory, [attestationExtension(new TextEncoder().encode('{"version":2}'))]);
    expect(await codeOf(verifyChain(der([junk.cert, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_EXTENSION_INVALID',
    );
  });

  it('refuses a certificate outside its validity period (ATTESTATION_CERT_VALIDITY)', async () => {
    const expired = await attestedLeaf(factory, [ext()], {
      notBefore: new Date(Date.now() - 7200_000),
      notAfter: new Date(Date.now() - 3600_000),
    });
    expect(await codeOf(verifyChain(der([expired.cert, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_CERT_VALIDITY',
    );
    const future = await attestedLeaf(factory, [ext()], {
      notBefore: new Date(Date.now() + 3600_000),
      notAfter: new Date(Date.now() + 7200_000),
    });
    expect(await codeOf(verifyChain(der([future.cert, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_CERT_VALIDITY',
    );
  });

  it('refuses a certificate signed with SHA-1 (ATTESTATION_SIGNATURE_ALGORITHM, R7)', async () => {
    const keys = await generateEcKeyPair();
    const sha1 = await x509.X509CertificateGenerator.create(
      {
        serialNumber: '0a01',
        subject: 'CN=eSE attested key',
        issuer: factory.cert.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-1' },
        publicKey: keys.publicKey,
        signingKey: factory.key,
        extensions: [ext()],
      },
      webcrypto as unknown as Crypto,
    );
    expect(await codeOf(verifyChain(der([sha1, factory.cert]), anchors, now()))).toBe(
      'ATTESTATION_SIGNATURE_ALGORITHM',
    );
  });

  it(
    'refuses a chain through a revoked batch CA (ATTESTATION_BATCH_REVOKED) ' +
      'and a revoked leaf (ATTESTATION_CERT_REVOKED)',
    async () => {
      const leaf = await attestedLeaf(factory, [ext()]);
      const batch = { roots: [root.cert], revokedSerials: new Set([factory.cert.serialNumber.toLowerCase()]) };
      expect(await codeOf(verifyChain(der([leaf.cert, factory.cert]), batch, now()))).toBe('ATTESTATION_BATCH_REVOKED');
      const one = { roots: [root.cert], revokedSerials: new Set([leaf.cert.serialNumber.toLowerCase()]) };
      expect(await codeOf(verifyChain(der([leaf.cert, factory.cert]), one, now()))).toBe('ATTESTATION_CERT_REVOKED');
    },
  );

  it('refuses a leaf whose signature was not made by its issuer, and garbage (ATTESTATION_CHAIN_INVALID)', async () => {
    const other = await intermediate(root);
    const leaf = await attestedLeaf(other, [ext()]);
    const impostor = await intermediate(root);
    const forgedIssuer = await x509.X509CertificateGenerator.create(
      {
        serialNumber: impostor.cert.serialNumber,
        subject: other.cert.subject,
        issuer: root.cert.subject,
        notBefore: impostor.cert.notBefore,
        notAfter: impostor.cert.notAfter,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        publicKey: await impostor.cert.publicKey.export(),
        signingKey: root.key,
        extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
      },
      webcrypto as unknown as Crypto,
    );
    expect(await codeOf(verifyChain(der([leaf.cert, forgedIssuer]), anchors, now()))).toBe('ATTESTATION_CHAIN_INVALID');
    expect(await codeOf(verifyChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], anchors, now()))).toBe(
      'ATTESTATION_CHAIN_INVALID',
    );
    expect(await codeOf(verifyChain([], anchors, now()))).toBe('ATTESTATION_CHAIN_INVALID');
    expect(ATTESTATION_OID).toMatch(/^1\.3\.6\.1\.4\.1\.32473\./);
  });
});
