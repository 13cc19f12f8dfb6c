import { DfsError } from '../../../../kit/src/errors.js';
import { mayUseAccount, ownsAccount, ownsAccountId, type Integrator } from './integrators.js';
import { notificationMethod, requestStatePayload, signedBody, type RequestDeps } from './requests.js';
import type { PaymentRequest, Transfer } from './model.js';
import { integratorPayload, signResult } from './results.js';
import type { TransferFilter, TransferStore } from '../store/ports.js';

type Reads = Pick<RequestDeps, 'resultKey' | 'now'> & {
  store: RequestDeps['store'] & Pick<TransferStore, 'getTransfer' | 'listAccountTransfers' | 'countAccountTransfers'>;
};

const requestOf = (t: Transfer, deps: Reads) => (t.requestId ? deps.store.getRequest(t.requestId) : null);

/**
 * A transfer as an integrator may read it (one its request started, or one into or out of its
 * accounts): its integrator view, signed now (a payment held for a step-up reads pending).
 */
export async function integratorTransfer(integrator: Integrator, transactionId: string, deps: Reads): Promise<string> {
  const t = await deps.store.getTransfer(transactionId);
  const r = t ? await requestOf(t, deps) : null;
  const mayRead =
    r?.integratorId === integrator.id ||
    (t &&
      ((await ownsAccountId(integrator, t.payee, deps.store)) ||
        (await ownsAccountId(integrator, t.payer, deps.store))));
  if (!t || !mayRead) throw new DfsError('TRANSACTION_NOT_FOUND');
  return signedIntegratorView(t, deps, r?.integratorId === integrator.id ? r : null);
}

/**
 * An account the integrator owns (it may collect into it and read it; never a phone's wallet, whatever
 * its id), or LEDGER_ACCOUNT_NOT_FOUND.
 */
async function ownAccount(integrator: Integrator, accountId: string, deps: Reads) {
  const a = mayUseAccount(integrator, accountId) ? await deps.store.getAccount(accountId) : null;
  if (!a || !ownsAccount(integrator, a)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return a;
}

/** The signed GSMA balance body of an account the integrator owns (minor units). */
export async function integratorBalance(integrator: Integrator, accountId: string, deps: Reads): Promise<string> {
  const a = await ownAccount(integrator, accountId, deps);
  const balance = String(a.balance);
  const payload = {
    typ: 'account-balance',
    currentBalance: balance,
    availableBalance: balance,
    currency: a.currency,
    accountStatus: 'available',
  };
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}

/**
 * GSMA account name: the display name given at opening of a wallet held by a phone (a payer the
 * integrator may ask to pay) or of one of its own accounts; nothing else of the account (no balance,
 * no device). Another integrator's account, an unknown one or one opened without a name: not found.
 */
export async function integratorAccountName(
  integrator: Integrator,
  accountId: string,
  deps: Reads,
): Promise<{ name: { fullName: string } }> {
  const a = await deps.store.getAccount(accountId);
  const visible = a?.name && (a.holderDeviceId !== null || mayUseAccount(integrator, a.id));
  if (!visible) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return { name: { fullName: a.name! } };
}

/**
 * The transfers into and out of an account the integrator owns that match `query.filter`, newest
 * first: a JSON array of signed integrator views of one page (requests to pay of other integrators
 * are not echoed), how many it holds and how many match in all (GSMA X-Records-Available-Count).
 */
export async function integratorAccountTransfers(
  integrator: Integrator,
  accountId: string,
  query: { filter: TransferFilter; limit: number; offset: number },
  deps: Reads,
): Promise<{ body: string; count: number; available: number }> {
  await ownAccount(integrator, accountId, deps);
  const [transfers, available] = await Promise.all([
    deps.store.listAccountTransfers(accountId, query.filter, query.limit, query.offset),
    deps.store.countAccountTransfers(accountId, query.filter),
  ]);
  const views = await Promise.all(
    transfers.map(async (t) => {
      const r = await requestOf(t, deps);
      return signedIntegratorView(t, deps, r?.integratorId === integrator.id ? r : null);
    }),
  );
  return { body: `[${views.join(',')}]`, count: views.length, available };
}

/** The signed state body of one of the integrator's own requests to pay. */
export async function integratorRequestState(integrator: Integrator, requestId: string, deps: Reads): Promise<string> {
  const r = await deps.store.getRequest(requestId);
  if (!r || r.integratorId !== integrator.id) throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
  const failed = r.state === 'DECLINED' || r.state === 'FAILED';
  const t = failed && r.transactionId ? await deps.store.getTransfer(r.transactionId) : null;
  const payload = requestStatePayload(r, deps.now(), notificationMethod(integrator, r), t?.code ?? undefined);
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}

/**
 * GSMA responses: where the final representation of the request this integrator sent with
 * `correlationId` lives (the transaction once one answered it, else its request state).
 */
export async function integratorResponse(
  integrator: Integrator,
  correlationId: string,
  base: string,
  deps: Reads,
): Promise<{ link: string }> {
  const r = await deps.store.findRequest(integrator.id, correlationId);
  if (!r) throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
  const done = r.state !== 'PENDING' && r.transactionId;
  return { link: done ? `${base}/transactions/${r.transactionId}` : `${base}/requeststates/${r.id}` };
}

/** The signed body of a transfer's integrator view (REST reads and callbacks), echoing its request's fields. */
export async function signedIntegratorView(
  t: Transfer,
  deps: Pick<Reads, 'resultKey' | 'now'>,
  r?: PaymentRequest | null,
): Promise<string> {
  const payload = integratorPayload(t, r);
  return signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload);
}
