import { CompactSign } from 'jose';
import type { SigningKey } from '../../../../kit/src/keys.js';

/**
 * Signs a result (JWS ES256) so that the phone and integrators can detect any tampering in transit
 * (R9; FIGI audit: a tampered response must not change what the user sees).
 */
export async function signResult(payload: Record<string, unknown>, key: SigningKey, now: number): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify({ ...payload, iat: Math.floor(now / 1000) })))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'dfs-result+jws' })
    .sign(key.privateKey);
}
