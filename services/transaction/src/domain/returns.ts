import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import { sha256b64url } from '../../../../kit/src/jws.js';
import type { Transfer } from './model.js';
import type { Money } from './money.js';
import { completeTransfer, storedResult, type PaymentDeps } from './payments.js';

/** What an operator asks: the whole amount back once (reversal) or part of it (refund). */
export interface ReturnRequest {
  transactionId: string;
  kind: 'reversal' | 'refund';
  /** Refunds only. */
  amount: Money | null;
  /** Refunds only; a reversal's key is fixed, so there is at most one. */
  idempotencyKey: string;
  reason: string;
}

/** The idempotency key of a payment's reversal: one per payment. */
export const reversalKey = (transactionId: string) => `#reversal:${transactionId}`;

/**
 * Returns money from a posted payment as a new transfer from its payee back to its payer, linked
 * by `originalId`; history is never edited. Reversals and refunds of one payment add up to at most
 * its amount (a conditional reservation on the original, released if the return does not post).
 */
export async function returnTransfer(
  req: ReturnRequest,
  deps: Pick<PaymentDeps, 'store' | 'resultKey' | 'now'>,
): Promise<string> {
  const orig = await deps.store.getTransfer(req.transactionId);
  if (!orig) throw new DfsError('TRANSACTION_NOT_FOUND');
  if (orig.kind !== 'payment' || orig.state !== 'POSTED') throw new DfsError('TRANSACTION_NOT_REVERSIBLE');
  if (req.amount && req.amount.currency !== orig.currency) throw new DfsError('LEDGER_CURRENCY_MISMATCH');
  const amount = req.kind === 'reversal' ? orig.amount : req.amount?.minorUnits;
  if (!amount) throw new DfsError('AMOUNT_INVALID');
  const now = deps.now();
  const draft: Transfer = {
    id: randomUUID(),
    payer: orig.payee,
    payee: orig.payer,
    amount,
    currency: orig.currency,
    idempotencyKey: req.kind === 'reversal' ? reversalKey(orig.id) : `#refund:${orig.id}:${req.idempotencyKey}`,
    requestHash: sha256b64url(JSON.stringify([req.kind, orig.id, amount, req.reason])),
    deviceId: 'operator',
    kind: req.kind,
    state: 'PENDING',
    risk: null,
    code: null,
    result: null,
    createdAtMs: now,
    originalId: orig.id,
  };
  const { created, transfer } = await deps.store.insertTransfer(draft);
  if (!created) {
    if (transfer.requestHash !== draft.requestHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return storedResult(transfer.id, deps.store);
  }
  if (!(await deps.store.reserveReturn(orig.id, amount, transfer.id)))
    return completeTransfer(transfer, deps, 'TRANSACTION_NOT_REVERSIBLE');
  const risk = { decision: 'APPROVE' as const, ruleIds: ['operator.return'], reason: req.reason || req.kind };
  return completeTransfer({ ...transfer, risk }, deps);
}
