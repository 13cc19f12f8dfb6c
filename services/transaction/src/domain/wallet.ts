import { DfsError } from '../../../../kit/src/errors.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { Account } from './model.js';
import type { LedgerStore } from '../store/ports.js';
import { openAccount } from './accounts.js';
import { wire, type Money } from './money.js';
import { abandonPayment, type PaymentDeps } from './payments.js';
import { openRequestsFor } from './requests.js';
import { signResult } from './results.js';

type Signing = Pick<PaymentDeps, 'store' | 'resultKey' | 'now'>;

/** Names a transfer: by its id, or by its payer and idempotency key. */
export type TransferLookup = { transactionId: string } | { payer: string; idempotencyKey: string };

/** Operators and services see everything; a device sees only its own wallet and payments. */
export function mayRead(peer: Peer, holderDeviceId: string | null): boolean {
  return (
    peer.role === 'operator' || peer.role === 'service' || (peer.role === 'device' && peer.name === holderDeviceId)
  );
}

async function readableAccount(store: LedgerStore, accountId: string, peer: Peer): Promise<Account> {
  const a = await store.getAccount(accountId);
  if (!a || !mayRead(peer, a.holderDeviceId)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return a;
}

/** The signed answer to a transfer the caller may read: its final result, or the interim one while step-up holds it. */
export async function transactionAnswer(lookup: TransferLookup, peer: Peer, store: LedgerStore): Promise<string> {
  const t =
    'transactionId' in lookup
      ? await store.getTransfer(lookup.transactionId)
      : await store.findTransfer(lookup.payer, lookup.idempotencyKey);
  const payer = t && (await store.getAccount(t.payer));
  if (!t || !mayRead(peer, payer?.holderDeviceId ?? null)) throw new DfsError('TRANSACTION_NOT_FOUND');
  const answer = t.result ?? t.stepUp?.interim;
  if (!answer) throw new DfsError('TRANSACTION_IN_PROGRESS');
  return answer;
}

/** Abandons the caller's unfinished payment (abandonPayment), once the caller may read the payer's wallet. */
export async function abandonReadablePayment(
  payer: string,
  idempotencyKey: string,
  peer: Peer,
  deps: Signing & Pick<PaymentDeps, 'onFinal'>,
): Promise<string> {
  const account = await readableAccount(deps.store, payer, peer);
  return abandonPayment(account.id, idempotencyKey, peer.role === 'device' ? peer.name : '', deps);
}

/** Opens a wallet (openAccount) and signs the opened account with its balance. */
export async function openSignedAccount(
  req: { accountId: string; holderDeviceId: string | null; opening: Money | null; currency: string; name?: string },
  deps: Signing & { treasuryFloat: number },
): Promise<string> {
  const out = await openAccount(req, deps);
  const payload = {
    typ: 'account',
    accountId: out.accountId,
    balance: wire({ minorUnits: out.balance, currency: out.currency }),
  };
  return signResult(payload, deps.resultKey(), deps.now());
}

/** The signed balance of a wallet the caller may read. */
export async function signedBalance(accountId: string, peer: Peer, deps: Signing): Promise<string> {
  const a = await readableAccount(deps.store, accountId, peer);
  const payload = { typ: 'balance', accountId: a.id, balance: wire({ minorUnits: a.balance, currency: a.currency }) };
  return signResult(payload, deps.resultKey(), deps.now());
}

/** The open requests to pay from a wallet, for the device holding it only. */
export async function holderPaymentRequests(accountId: string, peer: Peer, deps: Signing): Promise<string> {
  const a = await deps.store.getAccount(accountId);
  if (!a || a.holderDeviceId !== peer.name) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return openRequestsFor(a.id, deps);
}
