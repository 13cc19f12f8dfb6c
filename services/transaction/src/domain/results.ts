import { CompactSign } from 'jose';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Transfer } from '../store/ports.js';
import { wire } from './money.js';

/**
 * Signs a result (JWS ES256) so that the phone and integrators can detect any tampering in transit
 * (R9; FIGI audit: a tampered response must not change what the user sees).
 */
export async function signResult(payload: Record<string, unknown>, key: SigningKey, now: number): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify({ ...payload, iat: Math.floor(now / 1000) })))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'dfs-result+jws' })
    .sign(key.privateKey);
}

/** The signed payload describing a transfer in a given status. */
export function transferPayload(t: Transfer, status: string, code: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    typ: 'payment-result', transactionId: t.id, idempotencyKey: t.idempotencyKey, status, ...(code ? { code } : {}),
    kind: t.kind, payer: t.payer, payee: t.payee, amount: wire({ minorUnits: t.amount, currency: t.currency }),
    ...(t.originalId ? { originalId: t.originalId } : {}), ...(t.requestId ? { requestId: t.requestId } : {}),
    risk: t.risk ?? { decision: 'NONE', ruleIds: [], reason: 'not assessed' }, requestHash: t.requestHash, ...extra,
  };
}

/** Decodes the payload of a compact JWS this service signed (for REST bodies that repeat the fields). */
export function decodeResult(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
