import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import { sha256b64url } from '../../../../kit/src/jws.js';
import { mayUseAccount, ownsAccount, ownsAccountId, type Integrator } from './integrators.js';
import type { Transfer } from './model.js';
import type { Money } from './money.js';
import { completeTransfer, storedResult, type PaymentDeps } from './payments.js';
import { returnTransfer, reversalKey } from './returns.js';

/** A credit an integrator sends from one of its own accounts to a customer's wallet. */
export interface NewCredit {
  /** GSMA `disbursement` (a business pays a customer) or `deposit` (an agent's cash-in). */
  kind: 'disbursement' | 'deposit';
  /** The integrator's X-CorrelationID: one credit per id. */
  correlationId: string;
  payer: string;
  payee: string;
  money: Money;
  description: string;
}

type Deps = Pick<PaymentDeps, 'store' | 'resultKey' | 'now'>;

/** The transfer once it has its final state (a concurrent twin's, when this call lost the race). */
export async function settled(id: string, deps: Pick<Deps, 'store'>): Promise<Transfer> {
  await storedResult(id, deps.store);
  return (await deps.store.getTransfer(id))!;
}

/**
 * Refuses, before anything is stored, a movement between one of the integrator's own accounts and a
 * customer's wallet that it may not make: an own account it does not hold (CALLER_NOT_ALLOWED naming
 * `ownField`; a phone's wallet is never one, whatever its id), one account on both sides, a customer
 * side that is not a wallet held by a phone, or another currency than both accounts'.
 */
export async function checkOwnAndWallet(
  integrator: Integrator,
  move: { own: string; ownField: string; wallet: string; money: Money },
  deps: Pick<Deps, 'store'>,
): Promise<void> {
  if (!mayUseAccount(integrator, move.own)) throw new DfsError('CALLER_NOT_ALLOWED', move.ownField);
  if (move.own === move.wallet) throw new DfsError('INVALID_ARGUMENT', 'payer equals payee');
  const [own, wallet] = await Promise.all([deps.store.getAccount(move.own), deps.store.getAccount(move.wallet)]);
  if (own && !ownsAccount(integrator, own)) throw new DfsError('CALLER_NOT_ALLOWED', move.ownField);
  if (!own || !wallet?.holderDeviceId) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  if (own.currency !== move.money.currency || wallet.currency !== move.money.currency)
    throw new DfsError('LEDGER_CURRENCY_MISMATCH');
}

/** A credit the integrator may send: from one of its own accounts into a wallet held by a phone (checkOwnAndWallet). */
export const checkCredit = (integrator: Integrator, req: NewCredit, deps: Pick<Deps, 'store'>): Promise<void> =>
  checkOwnAndWallet(integrator, { own: req.payer, ownField: 'debitParty', wallet: req.payee, money: req.money }, deps);

/**
 * Moves money from an integrator's own account into a customer's wallet through the ledger: the
 * same conditional debit (the integrator's balance must cover it), credit and hash-chained journal
 * entry as a payment. No customer's money moves, so no phone confirms it and the risk service is
 * not asked (its rules are about a device spending a customer's funds); the approval is recorded
 * as `integrator.credit`. Idempotent per (integrator, kind, correlation id): a retry gets the same
 * transfer, another body under the same id is IDEMPOTENCY_KEY_REUSED.
 */
export async function creditCustomer(integrator: Integrator, req: NewCredit, deps: Deps): Promise<Transfer> {
  await checkCredit(integrator, req, deps);
  const risk = { decision: 'APPROVE' as const, ruleIds: ['integrator.credit'], reason: req.kind };
  const draft: Transfer = {
    id: randomUUID(),
    payer: req.payer,
    payee: req.payee,
    amount: req.money.minorUnits,
    currency: req.money.currency,
    idempotencyKey: `#${req.kind}:${integrator.id}:${req.correlationId}`,
    requestHash: sha256b64url(JSON.stringify([req.kind, req.payer, req.payee, req.money, req.description])),
    deviceId: `integrator:${integrator.id}`,
    kind: req.kind,
    state: 'PENDING',
    risk,
    code: null,
    result: null,
    createdAtMs: deps.now(),
  };
  const { created, transfer } = await deps.store.insertTransfer(draft);
  if (!created) {
    if (transfer.requestHash !== draft.requestHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return settled(transfer.id, deps);
  }
  await completeTransfer(transfer, deps);
  return (await deps.store.getTransfer(transfer.id))!;
}

/**
 * An integrator reverses a payment made into one of its accounts (GSMA reversal): the whole amount
 * goes back to the payer, at most once (returnTransfer; asking again answers with the same
 * reversal). A payment the integrator may not see is TRANSACTION_NOT_FOUND, as on reads.
 */
export async function integratorReversal(integrator: Integrator, transactionId: string, deps: Deps): Promise<Transfer> {
  const orig = await deps.store.getTransfer(transactionId);
  if (!orig || !(await ownsAccountId(integrator, orig.payee, deps.store))) throw new DfsError('TRANSACTION_NOT_FOUND');
  const request = { transactionId, kind: 'reversal', amount: null, idempotencyKey: '', reason: 'integrator' } as const;
  await returnTransfer(request, deps);
  return (await deps.store.findTransfer(orig.payee, reversalKey(orig.id)))!;
}
