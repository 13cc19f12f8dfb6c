import { createHash, randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { LedgerStore } from '../store/ports.js';
import { checkCredit, creditCustomer, integratorReversal, type NewCredit } from './credits.js';
import { ownsAccountId, type Integrator } from './integrators.js';
import type { PaymentRequest, Transfer } from './model.js';
import type { Money } from './money.js';
import { requestEvent } from './events.js';
import { notificationMethod, requestStatePayload, signedBody, type NewPaymentRequest } from './requests.js';
import { signResult } from './results.js';

/** What the integrator's money movements need: the whole store, the result key, a clock, the request lifetime. */
export interface MoveDeps {
  store: LedgerStore;
  resultKey: () => SigningKey;
  now: () => number;
  requestTtlMs: number;
}

/** What a correlation record keeps of a money movement; `body` is what its idempotency hash covers. */
export type Claim = Pick<
  PaymentRequest,
  'payer' | 'payee' | 'amount' | 'currency' | 'description' | 'type' | 'extras' | 'callbackUrl'
> & {
  body: unknown[];
};

/**
 * Records the integrator's X-CorrelationID for a money movement it sends (the same record a request
 * to pay keeps, so `/requeststates` and `/responses` find it): one body per correlation id across
 * every POST, else IDEMPOTENCY_KEY_REUSED. A credit's or reversal's payer is not a phone-held
 * wallet, so no phone lists it; a transfer request's is, and its phone shows it to pay; a
 * withdrawal's is too, and its type keeps it off the phone's list and out of any payment.
 */
export async function correlate(integrator: Integrator, correlationId: string, c: Claim, deps: MoveDeps) {
  const now = deps.now();
  const bodyHash = createHash('sha256').update(JSON.stringify(c.body)).digest('base64url');
  const r: PaymentRequest = {
    id: randomUUID(),
    integratorId: integrator.id,
    correlationId,
    bodyHash,
    payer: c.payer,
    payee: c.payee,
    amount: c.amount,
    currency: c.currency,
    description: c.description,
    ...(c.type ? { type: c.type } : {}),
    state: 'PENDING',
    transactionId: null,
    response: '',
    createdAtMs: now,
    expiresAtMs: now + deps.requestTtlMs,
    ...(c.extras ? { extras: c.extras } : {}),
    ...(c.callbackUrl ? { callbackUrl: c.callbackUrl } : {}),
  };
  const payload = requestStatePayload(r, now, notificationMethod(integrator, r));
  r.response = signedBody(await signResult(payload, deps.resultKey(), now), payload);
  const { created, request } = await deps.store.insertRequest(r);
  if (!created && request.bodyHash !== bodyHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
  return { created, request };
}

/** Ties the correlation record to the transfer that answered it and answers its signed final state. */
export async function answer(integrator: Integrator, r: PaymentRequest, t: Transfer, deps: MoveDeps): Promise<string> {
  if (t.state !== 'PENDING') {
    if (!r.transactionId) await deps.store.claimRequest(r.id, t.id);
    await deps.store.finishRequest(r.id, t.id, t.state === 'POSTED' ? 'COMPLETED' : t.state);
  }
  const now = deps.now();
  const settled = (await deps.store.getRequest(r.id))!;
  const payload = requestStatePayload(settled, now, notificationMethod(integrator, settled), t.code ?? undefined);
  return signedBody(await signResult(payload, deps.resultKey(), now), payload);
}

/**
 * GSMA disbursement or deposit over REST: creditCustomer (the integrator's own account pays a
 * customer's wallet; no customer money moves, so no phone confirms) under the integrator's
 * X-CorrelationID. Answers the GSMA request state, completed or failed (with the code, e.g.
 * LEDGER_INSUFFICIENT_FUNDS), whose objectReference is the transaction.
 */
export async function integratorCredit(integrator: Integrator, req: NewCredit, deps: MoveDeps): Promise<string> {
  await checkCredit(integrator, req, deps);
  const { kind, payer, payee, money, description } = req;
  const { request: r } = await correlate(
    integrator,
    req.correlationId,
    { payer, payee, amount: money.minorUnits, currency: money.currency, description, body: [kind, req] },
    deps,
  );
  return answer(integrator, r, await creditCustomer(integrator, req, deps), deps);
}

/**
 * GSMA reversal over REST: integratorReversal of a payment into the integrator's account (the whole
 * amount, once; a repeat, under any correlation id, answers with the same reversal). An amount, when
 * sent, must be the whole amount: partial refunds stay with the operator.
 */
export async function integratorReverse(
  integrator: Integrator,
  req: { correlationId: string; transactionId: string; money: Money | null; description: string },
  deps: MoveDeps,
): Promise<string> {
  const orig = await deps.store.getTransfer(req.transactionId);
  if (!orig || !(await ownsAccountId(integrator, orig.payee, deps.store))) throw new DfsError('TRANSACTION_NOT_FOUND');
  if (orig.kind !== 'payment' || orig.state !== 'POSTED') throw new DfsError('TRANSACTION_NOT_REVERSIBLE');
  if (req.money && (req.money.minorUnits !== orig.amount || req.money.currency !== orig.currency))
    throw new DfsError('TRANSACTION_NOT_REVERSIBLE', 'amount');
  const claim = {
    payer: orig.payee,
    payee: orig.payer,
    amount: orig.amount,
    currency: orig.currency,
    description: req.description,
    body: ['reversal', req],
  };
  const { request: r } = await correlate(integrator, req.correlationId, claim, deps);
  return answer(integrator, r, await integratorReversal(integrator, req.transactionId, deps), deps);
}

/**
 * GSMA P2P transfer over REST: a request to pay whose payee is another customer's wallet held by a
 * phone, in the payer's currency. Like merchantpay it moves no money: the payer's phone shows it on
 * its native UI and pays it with the PIN (risk asked as for any payment). Only an integrator whose
 * registry entry lists `transfer` may ask (CALLER_NOT_ALLOWED otherwise). Idempotent per
 * (integrator, X-CorrelationID); a retry gets the first response byte for byte.
 */
export async function createTransferRequest(
  integrator: Integrator,
  req: NewPaymentRequest,
  deps: MoveDeps,
): Promise<string> {
  const { payer, payee, money } = req;
  if (!integrator.types?.includes('transfer')) throw new DfsError('CALLER_NOT_ALLOWED', 'type');
  if (payer === payee) throw new DfsError('INVALID_ARGUMENT', 'payer equals payee');
  const [a, b] = await Promise.all([deps.store.getAccount(payer), deps.store.getAccount(payee)]);
  if (!a?.holderDeviceId || !b?.holderDeviceId) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  if (a.currency !== money.currency || b.currency !== money.currency) throw new DfsError('LEDGER_CURRENCY_MISMATCH');
  const claim = {
    payer,
    payee,
    amount: money.minorUnits,
    currency: money.currency,
    description: req.description,
    type: 'transfer' as const,
    extras: req.extras,
    ...(req.callbackUrl ? { callbackUrl: req.callbackUrl } : {}),
    body: ['transfer', money, payer, payee, req.description, req.extras, ...(req.callbackUrl ? [req.callbackUrl] : [])],
  };
  const { created, request } = await correlate(integrator, req.correlationId, claim, deps);
  if (created) await deps.store.addOutbox([requestEvent('payment_request.created', request, request.createdAtMs)]);
  return request.response;
}
