import { createHash, generateKeyPairSync } from 'node:crypto';
import { base64url, CompactSign } from 'jose';
import { ENROLLMENT_PROOF } from '../../../contracts/enrollment.js';
import {
  ATTESTATION_OID,
  encodeRecord,
  PAYMENT_DAEMON_UID,
  type AttestationRecord,
} from '../../../kit/src/attestation-record.js';
import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import { EC_P256, generateEcKeyPair, issueCertificate, subtle, x509 } from '../../../kit/src/x509.js';
import { randomImei } from '../../../device-sim/src/imei.js';
import type { Context } from '../types.js';

/** A perfect-looking record, as an attacker would write it without an eSE. */
function fakeRecord(challenge: string, application: AttestationRecord['application']): AttestationRecord {
  return {
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
    device: { imei: randomImei(), model: 'KaiPhone 4G', serial: 'FORGED01' },
    rootOfTrust: { verifiedBootState: 'verified', deviceLocked: true, verifiedBootKeyHash: 'a'.repeat(64) },
    patchLevel: { os: 202610, vendor: 202610, boot: 202610 },
    rollbackIndex: 3,
    application,
    safety: { rooted: false, debug: false, emulator: false, developerMode: false, buildType: 'user' },
    issuedAt: Date.now(),
  };
}

/**
 * The issuer an attacker can get that chains to the pinned OEM root: the genuine attested leaf of
 * his own phone (CA:FALSE), used as a CA by having a rogue daemon make the eSE sign a child certificate.
 */
async function genuineLeafAsIssuer(
  ctx: Context,
): Promise<{ issuer: { cert: x509.X509Certificate; key: CryptoKey }; crypto: Crypto; chain: x509.X509Certificate[] }> {
  const phone = await ctx.world.phone('secure');
  const ese = phone.ese!;
  await ese.generateKey(PAYMENT_DAEMON_UID, 'payment', { authBound: true });
  const chain = (
    await ese.attestKey(PAYMENT_DAEMON_UID, 'payment', 'x'.repeat(43), ctx.world.oem.daemonApplication())
  ).map((d) => new x509.X509Certificate(new Uint8Array(d)));
  const leaf = chain[0]!;
  const crypto = {
    getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
    subtle: new Proxy(subtle, {
      get: (target, prop) =>
        prop === 'sign'
          ? async (_alg: unknown, _key: unknown, data: BufferSource) => {
              ese.verifyPin(PAYMENT_DAEMON_UID, '2580');
              return (await ese.sign(PAYMENT_DAEMON_UID, 'payment', new Uint8Array(data as ArrayBuffer))).buffer;
            }
          : Reflect.get(target, prop).bind(target),
    }),
  } as unknown as Crypto;
  return { issuer: { cert: leaf, key: await leaf.publicKey.export(EC_P256, ['verify']) }, crypto, chain };
}

/**
 * Enrolls with evidence the attacker made himself, carrying a perfect record for a real challenge:
 * either under a root he made (self-signed), or under his own phone's genuine attested leaf, which
 * chains to the pinned OEM root but is not a CA.
 */
export async function forgedEnrollment(
  ctx: Context,
  shape: 'self-signed-root' | 'issuer-not-ca',
): Promise<{ deviceId: string; tier: string }> {
  const client = createClient(
    contracts().AttestationService,
    ctx.attestationAddr,
    ctx.world.bootstrapTls,
    'attestation',
  );
  try {
    const challenge = await call(client, client.CreateChallenge, { purpose: 'enroll' });
    const leafKeys = await generateEcKeyPair();
    const extra = [
      new x509.Extension(
        ATTESTATION_OID,
        false,
        new Uint8Array(encodeRecord(fakeRecord(base64url.encode(challenge.nonce), ctx.world.oem.daemonApplication()))),
      ),
    ];
    let chain: x509.X509Certificate[];
    if (shape === 'self-signed-root') {
      const rootKeys = await generateEcKeyPair();
      const root = await issueCertificate({
        subject: 'CN=Simulated OEM Attestation Root, O=Simulated OEM',
        publicKey: rootKeys.publicKey,
        selfKey: rootKeys.privateKey,
        ca: {},
      });
      const leaf = await issueCertificate({
        subject: 'CN=eSE attested key',
        publicKey: leafKeys.publicKey,
        issuer: { cert: root, key: rootKeys.privateKey },
        extra,
      });
      chain = [leaf, root];
    } else {
      const genuine = await genuineLeafAsIssuer(ctx);
      const leaf = await x509.X509CertificateGenerator.create(
        {
          subject: 'CN=eSE attested key',
          issuer: genuine.issuer.cert.subject,
          publicKey: leafKeys.publicKey,
          signingKey: genuine.issuer.key,
          signingAlgorithm: EC_P256,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + 86_400_000),
          extensions: [new x509.BasicConstraintsExtension(false, undefined, true), ...extra],
        },
        genuine.crypto,
      );
      chain = [leaf, ...genuine.chain];
    }
    const tls = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    const accountId = ctx.world.newId('wallet');
    const proof = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({
          challengeId: challenge.challengeId,
          tlsKeySha256: createHash('sha256').update(tls).digest('base64url'),
          accountId,
        }),
      ),
    )
      .setProtectedHeader({ alg: 'ES256', typ: ENROLLMENT_PROOF.typ })
      .sign(leafKeys.privateKey);
    return await call(client, client.Enroll, {
      challengeId: challenge.challengeId,
      attestationChain: chain.map((c) => Buffer.from(c.rawData)),
      proof,
      tlsPublicKey: tls,
      accountId,
    });
  } finally {
    client.close();
  }
}
