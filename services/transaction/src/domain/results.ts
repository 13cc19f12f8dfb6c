import type { z } from 'zod';
import { RESULT, type PaymentStatus, type SignedResult } from '../../../../contracts/results.js';
import { signJws } from '../../../../kit/src/jws.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { PaymentRequest, Transfer, TransferState } from './model.js';
import { wire } from './money.js';

/**
 * Signs a result (JWS ES256, `dfs-result+jws`) so that the phone and integrators can detect any
 * tampering in transit (R9; FIGI audit: a tampered response must not change what the user sees).
 * The payload is parsed by the result contract first, so a malformed result is never signed.
 */
export async function signResult(payload: Record<string, unknown>, key: SigningKey, now: number): Promise<string> {
  return signJws(RESULT, { ...payload, iat: Math.floor(now / 1000) } as z.input<typeof SignedResult>, key);
}

/** What both the phone's result and the integrator's view say of a transfer: who paid whom how much, and why. */
const transferFields = (t: Transfer) => ({
  transactionId: t.id,
  kind: t.kind,
  payer: t.payer,
  payee: t.payee,
  amount: wire({ minorUnits: t.amount, currency: t.currency }),
  ...(t.originalId ? { originalId: t.originalId } : {}),
  ...(t.requestId ? { requestId: t.requestId } : {}),
});

/** The signed payload describing a transfer in a given status. */
export function transferPayload(
  t: Transfer,
  status: PaymentStatus,
  code: string | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    typ: 'payment-result',
    ...transferFields(t),
    idempotencyKey: t.idempotencyKey,
    status,
    ...(code ? { code } : {}),
    risk: t.risk ?? { decision: 'NONE', ruleIds: [], reason: 'not assessed' },
    requestHash: t.requestHash,
    ...extra,
  };
}

/** Decodes the payload of a compact JWS this service signed (for REST bodies that repeat the fields). */
export function decodeResult(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

const GSMA_TYPE = {
  payment: 'merchantpay',
  funding: 'deposit',
  reversal: 'reversal',
  refund: 'adjustment',
  disbursement: 'disbursement',
  deposit: 'deposit',
  withdrawal: 'withdrawal',
} as const;
const GSMA_STATUS: Record<TransferState, string> = {
  POSTED: 'completed',
  DECLINED: 'declined',
  FAILED: 'failed',
  PENDING: 'pending',
};

/**
 * The stored transfer state whose integrator view reads GSMA `transactionStatus` `status` (the
 * inverse of the table integratorPayload uses), or undefined for a status no transfer reads.
 */
export function transferStateOf(status: string): TransferState | undefined {
  return (Object.keys(GSMA_STATUS) as TransferState[]).find((s) => GSMA_STATUS[s] === status);
}

/**
 * The integrator's view of a transfer (contracts: IntegratorTransaction, the GSMA transaction object),
 * from its stored result and the request to pay it answers (whose optional GSMA fields it echoes):
 * status, code and receipt, never the payer's balance, the risk trail or the phone's keys.
 */
export function integratorPayload(t: Transfer, r?: PaymentRequest | null): Record<string, unknown> {
  const done = t.result ? decodeResult(t.result) : null;
  const status = done && done.status !== 'STEP_UP_REQUIRED' ? String(done.status) : 'PENDING';
  const party = (value: string) => [{ key: 'accountid', value }];
  return {
    typ: 'integrator-transaction',
    transactionReference: t.id,
    transactionStatus: GSMA_STATUS[status as TransferState] ?? 'pending',
    ...(typeof done?.code === 'string' ? { code: done.code } : {}),
    type: r?.type === 'transfer' && t.kind === 'payment' ? 'transfer' : GSMA_TYPE[t.kind],
    amount: String(t.amount),
    currency: t.currency,
    debitParty: party(t.payer),
    creditParty: party(t.payee),
    creationDate: new Date(t.createdAtMs).toISOString(),
    ...(status !== 'PENDING' && typeof done?.iat === 'number'
      ? { modificationDate: new Date(done.iat * 1000).toISOString() }
      : {}),
    ...(typeof done?.journalSeq === 'number' ? { transactionReceipt: String(done.journalSeq) } : {}),
    ...(t.originalId ? { originalTransactionReference: t.originalId } : {}),
    ...(t.requestId ? { serverCorrelationId: t.requestId } : {}),
    ...(r?.description ? { descriptionText: r.description } : {}),
    ...(r?.extras ?? {}),
  };
}
