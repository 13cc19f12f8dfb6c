import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { PaymentRequest, RequestExtras } from './model.js';
import type { AccountStore, OutboxStore, RequestStore } from '../store/ports.js';
import type { AuthorizedPayment } from './authorize.js';
import { requestEvent } from './events.js';
import { mayUseAccount, ownsAccount, type Integrator } from './integrators.js';
import { wire, type Money } from './money.js';
import { signResult } from './results.js';
import { gsmaError } from './gsma-errors.js';

/** An idempotency key of the operator's gRPC methods. */
export const CORRELATION_ID = z.string().regex(/^[A-Za-z0-9\-_:.]{8,64}$/);

/** A request to pay as the integrator asked for it, parsed at the edge. */
export interface NewPaymentRequest {
  /** The integrator's X-CorrelationID: its idempotency key. */
  correlationId: string;
  payer: string;
  payee: string;
  money: Money;
  description: string;
  extras: RequestExtras;
  /** The checked X-Callback-URL, when the request named one. */
  callbackUrl?: string;
}

export interface RequestDeps {
  store: RequestStore & OutboxStore & Pick<AccountStore, 'getAccount'>;
  resultKey: () => SigningKey;
  now: () => number;
  requestTtlMs: number;
}

/** The GSMA request state of a request to pay, as signed for integrators (`code`: why a final one failed). */
export function requestStatePayload(
  r: PaymentRequest,
  now: number,
  notificationMethod: 'callback' | 'polling',
  code?: string,
): Record<string, unknown> {
  const expired = r.state === 'PENDING' && !r.transactionId && now > r.expiresAtMs;
  const failed = expired || r.state === 'DECLINED' || r.state === 'FAILED';
  const why = expired ? 'PAYMENT_REQUEST_EXPIRED' : (code ?? 'INTERNAL');
  return {
    typ: 'request-state',
    serverCorrelationId: r.id,
    clientCorrelationId: r.correlationId,
    status: failed ? 'failed' : r.state === 'COMPLETED' ? 'completed' : 'pending',
    notificationMethod,
    ...(r.transactionId ? { objectReference: r.transactionId } : {}),
    expiryTime: new Date(r.expiresAtMs).toISOString(),
    ...(failed ? { error: gsmaError(why, undefined, now) } : {}),
  };
}

/** How the integrator hears of a request's end: a callback when it has a target, else polling. */
export const notificationMethod = (integrator: Integrator, r: Pick<PaymentRequest, 'callbackUrl'>) =>
  r.callbackUrl || integrator.callbackUrl ? 'callback' : 'polling';

/** A signed REST body: the JWS and, for convenience, the fields it signs. */
export function signedBody(jws: string, payload: Record<string, unknown>): string {
  return JSON.stringify({ signed: jws, ...payload });
}

/**
 * Creates a request to pay (seed 003, CSRF): it moves no money; the payer's daemon must show it on
 * the native UI and pay it with the PIN. Idempotent per (integrator, X-CorrelationID): a retry gets
 * the first response byte for byte, another body is IDEMPOTENCY_KEY_REUSED. Returns the body text.
 */
export async function createPaymentRequest(
  integrator: Integrator,
  req: NewPaymentRequest,
  deps: RequestDeps,
): Promise<string> {
  const { correlationId, payer, payee, money, description, extras, callbackUrl } = req;
  if (!mayUseAccount(integrator, payee)) throw new DfsError('CALLER_NOT_ALLOWED', 'creditParty');
  if (payer === payee) throw new DfsError('INVALID_ARGUMENT', 'payer equals payee');
  const [a, m] = await Promise.all([deps.store.getAccount(payer), deps.store.getAccount(payee)]);
  if (m && !ownsAccount(integrator, m)) throw new DfsError('CALLER_NOT_ALLOWED', 'creditParty');
  if (!a?.holderDeviceId || !m) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  if (a.currency !== money.currency || m.currency !== money.currency) throw new DfsError('LEDGER_CURRENCY_MISMATCH');

  const now = deps.now();
  const bodyHash = createHash('sha256')
    .update(JSON.stringify([money, payer, payee, description, extras, ...(callbackUrl ? [callbackUrl] : [])]))
    .digest('base64url');
  const r: PaymentRequest = {
    id: randomUUID(),
    integratorId: integrator.id,
    correlationId,
    bodyHash,
    payer,
    payee,
    amount: money.minorUnits,
    currency: money.currency,
    description,
    state: 'PENDING',
    transactionId: null,
    response: '',
    createdAtMs: now,
    expiresAtMs: now + deps.requestTtlMs,
    extras,
    ...(callbackUrl ? { callbackUrl } : {}),
  };
  const payload = requestStatePayload(r, now, notificationMethod(integrator, r));
  r.response = signedBody(await signResult(payload, deps.resultKey(), now), payload);
  const { created, request } = await deps.store.insertRequest(r);
  if (!created) {
    if (request.bodyHash !== bodyHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return request.response;
  }
  await deps.store.addOutbox([requestEvent('payment_request.created', request, now)]);
  return request.response;
}

/** Checks, before anything is stored, that a payment answers its request exactly (payer, payee, amount). */
export async function matchRequest(
  store: Pick<RequestStore, 'getRequest'>,
  requestId: string,
  p: Pick<AuthorizedPayment, 'payer' | 'payee' | 'money'>,
): Promise<void> {
  const r = await store.getRequest(requestId);
  if (!r || r.payer !== p.payer || r.type === 'withdrawal') throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
  if (r.payee !== p.payee || r.amount !== p.money.minorUnits || r.currency !== p.money.currency)
    throw new DfsError('PAYMENT_REQUEST_MISMATCH');
}

/**
 * Claims the request for a new transfer: null when claimed, else the code the transfer fails with.
 * The expiry is part of the conditional claim itself, not of an earlier read, so a request cannot be
 * claimed once it has expired at `now`; a refused claim is then told apart by reading the request.
 */
export async function claimRequestFor(
  store: RequestStore,
  requestId: string,
  transferId: string,
  now: number,
): Promise<string | null> {
  if (await store.claimRequest(requestId, transferId, now)) return null;
  const r = await store.getRequest(requestId);
  return r && r.state === 'PENDING' && !r.transactionId && now > r.expiresAtMs
    ? 'PAYMENT_REQUEST_EXPIRED'
    : 'PAYMENT_REQUEST_NOT_PENDING';
}

/** The open, unexpired requests to pay from a wallet, signed for its daemon. */
export async function openRequestsFor(
  accountId: string,
  deps: Pick<RequestDeps, 'store' | 'resultKey' | 'now'>,
): Promise<string> {
  const now = deps.now();
  const open = (await deps.store.listOpenRequests(accountId)).filter((r) => r.expiresAtMs >= now);
  return signResult(
    {
      typ: 'payment-requests',
      accountId,
      requests: open.map((r) => ({
        requestId: r.id,
        integratorId: r.integratorId,
        payee: r.payee,
        amount: wire({ minorUnits: r.amount, currency: r.currency }),
        description: r.description,
        expiresAtMs: r.expiresAtMs,
      })),
    },
    deps.resultKey(),
    now,
  );
}
