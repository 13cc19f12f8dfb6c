import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import type { SigningKey } from '../../../../kit/src/keys.js';
import { EC_P256, issueCertificate, subtle, x509 } from '../../../../kit/src/x509.js';
import { spiffeId } from '../../../../kit/src/identity.js';
import type { Tier } from './posture.js';

export const TOKEN_ISSUER = 'dfs-attestation';
export const TOKEN_AUDIENCE = 'dfs-transaction';

/** Claims of the attestation token: who the device is, its posture, the key it is bound to, when to re-attest. */
export interface TokenClaims {
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
export async function signToken(claims: TokenClaims, key: SigningKey, ttlSec: number, now: number): Promise<{ token: string; expiresAtMs: number }> {
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({
    iatMs: now, tier: claims.tier, reasons: claims.reasons, acct: claims.accountId, cnf: { jkt: claims.keyThumbprint },
    reattestAboveMinor: String(claims.reattest.aboveMinorUnits), reattestWithinSec: claims.reattest.withinSec,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'dfs-attestation+jwt' })
    .setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject(claims.deviceId)
    .setIssuedAt(iat).setExpirationTime(iat + ttlSec).setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresAtMs: (iat + ttlSec) * 1000 };
}

/** A short-lived mTLS client certificate for the daemon's TLS key (identity spiffe://dfs.local/device/<id>), chained to the device CA. */
export async function issueDeviceCertificate(deviceId: string, tlsSpki: Uint8Array, deviceCa: { cert: x509.X509Certificate; key: CryptoKey }, ttlSec: number, now: number): Promise<string> {
  const publicKey = await subtle.importKey('spki', new Uint8Array(tlsSpki), EC_P256, true, ['verify']);
  const cert = await issueCertificate({ subject: `CN=${deviceId}, OU=device`, publicKey, issuer: deviceCa, uris: [spiffeId('device', deviceId)], usages: ['clientAuth'], notAfter: new Date(now + ttlSec * 1000) });
  return `${cert.toString('pem')}\n${deviceCa.cert.toString('pem')}\n`;
}
