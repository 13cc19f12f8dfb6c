import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ATTESTATION_TOKEN, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../../contracts/attestation-token.js';
import type { Tier } from '../../../../contracts/common.js';
import { signJws } from '../../../../kit/src/jws.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import { EC_P256, issueCertificate, subtle, x509 } from '../../../../kit/src/x509.js';
import { spiffeId } from '../../../../kit/src/identity.js';

/** What an attestation grants, before it becomes the token's wire claims (contracts/attestation-token.ts). */
export interface TokenGrant {
  deviceId: string;
  accountId: string;
  tier: Tier;
  reasons: string[];
  keyThumbprint: string;
  /** Payments above this many minor units need a token younger than `reattestWithinSec`. */
  reattest: { aboveMinorUnits: number; withinSec: number };
}

/** RFC 7638 thumbprint of the attested payment key: the `cnf.jkt` binding. */
export async function keyThumbprint(key: x509.PublicKey): Promise<{ jwk: JWK; jkt: string }> {
  const jwk = (await subtle.exportKey('jwk', await key.export(EC_P256, ['verify']))) as JWK;
  const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK;
  return { jwk: pub, jkt: await calculateJwkThumbprint(pub) };
}

/** Signs a short-lived attestation token (JWS ES256, `kid` of the ring's current key) bound by `cnf.jkt`. */
export async function signToken(
  grant: TokenGrant,
  key: SigningKey,
  ttlSec: number,
  now: number,
): Promise<{ token: string; expiresAtMs: number }> {
  const iat = Math.floor(now / 1000);
  const token = await signJws(
    ATTESTATION_TOKEN,
    {
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: grant.deviceId,
      iat,
      iatMs: now,
      exp: iat + ttlSec,
      jti: randomUUID(),
      tier: grant.tier,
      reasons: grant.reasons,
      acct: grant.accountId,
      cnf: { jkt: grant.keyThumbprint },
      reattestAboveMinor: String(grant.reattest.aboveMinorUnits),
      reattestWithinSec: grant.reattest.withinSec,
    },
    key,
  );
  return { token, expiresAtMs: (iat + ttlSec) * 1000 };
}

/**
 * A short-lived mTLS client certificate for the daemon's TLS key
 * (identity spiffe://dfs.local/device/<id>), chained to the device CA.
 */
export async function issueDeviceCertificate(
  deviceId: string,
  tlsSpki: Uint8Array,
  deviceCa: { cert: x509.X509Certificate; key: CryptoKey },
  ttlSec: number,
  now: number,
): Promise<string> {
  const publicKey = await subtle.importKey('spki', new Uint8Array(tlsSpki), EC_P256, true, ['verify']);
  const cert = await issueCertificate({
    subject: `CN=${deviceId}, OU=device`,
    publicKey,
    issuer: deviceCa,
    uris: [spiffeId('device', deviceId)],
    usages: ['clientAuth'],
    notAfter: new Date(now + ttlSec * 1000),
  });
  return `${cert.toString('pem')}\n${deviceCa.cert.toString('pem')}\n`;
}
