import { DfsError } from '../../../../kit/src/errors.js';
import { mayUseAccount, type Integrator } from './integrators.js';
import { wire } from './money.js';
import { requestStatePayload, signedBody, type RequestDeps } from './requests.js';
import type { Transfer } from './model.js';
import { integratorPayload, signResult } from './results.js';
import type { TransferStore } from '../store/ports.js';

type Reads = Pick<RequestDeps, 'resultKey' | 'now'> & {
  store: RequestDeps['store'] & Pick<TransferStore, 'getTransfer'>;
};

/**
 * A transfer as an integrator may read it (one its request started, or one into or out of its
 * accounts): its integrator view, signed now (a payment held for a step-up reads PENDING).
 */
export async function integratorTransfer(integrator: Integrator, transactionId: string, deps: Reads): Promise<string> {
  const t = await deps.store.getTransfer(transactionId);
  const r = t?.requestId ? await deps.store.getRequest(t.requestId) : null;
  const mayRead =
    r?.integratorId === integrator.id ||
    (t && (mayUseAccount(integrator, t.payee) || mayUseAccount(integrator, t.payer)));
  if (!t || !mayRead) throw new DfsError('TRANSACTION_NOT_FOUND');
  return signedIntegratorView(t, deps);
}

/** The signed balance body of an account the integrator may use. */
export async function integratorBalance(integrator: Integrator, accountId: string, deps: Reads): Promise<string> {
  const a = mayUseAccount(integrator, accountId) ? await deps.store.getAccount(accountId) : null;
  if (!a) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  const payload = { typ: 'balance', accountId: a.id, balance: wire({ minorUnits: a.balance, currency: a.currency }) };
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}

/** The signed state body of one of the integrator's own requests to pay. */
export async function integratorRequestState(integrator: Integrator, requestId: string, deps: Reads): Promise<string> {
  const r = await deps.store.getRequest(requestId);
  if (!r || r.integratorId !== integrator.id) throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
  const payload = requestStatePayload(r, deps.now(), integrator.callbackUrl ? 'callback' : 'polling');
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}

/** The signed body of a transfer's integrator view (REST reads and callbacks). */
export async function signedIntegratorView(t: Transfer, deps: Pick<Reads, 'resultKey' | 'now'>): Promise<string> {
  const payload = integratorPayload(t);
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}
