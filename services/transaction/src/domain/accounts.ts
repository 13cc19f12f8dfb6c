import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import type { Transfer } from './model.js';
import type { AccountStore, JournalStore } from '../store/ports.js';
import { chainEntry } from './journal.js';
import type { Money } from './money.js';
import { completeTransfer, type PaymentDeps } from './payments.js';

/** The treasury of a currency: the one account whose opening float is created (genesis), then only moved. */
export const treasuryOf = (currency: string) => `treasury-${currency}`;

async function ensureTreasury(
  store: AccountStore & JournalStore,
  currency: string,
  float: number,
  now: number,
): Promise<void> {
  const id = treasuryOf(currency);
  if (await store.getAccount(id)) return;
  if (
    await store.createAccount({ id, currency, balance: float, holderDeviceId: null, applied: [], createdAtMs: now })
  ) {
    await store.appendJournal(`genesis-${currency}`, (prev) =>
      chainEntry(prev, {
        transferId: `genesis-${currency}`,
        debit: 'genesis',
        credit: id,
        amount: float,
        currency,
        atMs: now,
      }),
    );
  }
}

/**
 * Opens a wallet for an enrolled device and funds it from the treasury with an ordinary
 * double-entry transfer, so the sum of all balances never changes after genesis.
 */
export async function openAccount(
  req: { accountId: string; holderDeviceId: string | null; opening: Money | null; currency: string; name?: string },
  deps: Pick<PaymentDeps, 'store' | 'resultKey' | 'now'> & { treasuryFloat: number },
): Promise<{ accountId: string; balance: number; currency: string }> {
  const now = deps.now();
  await ensureTreasury(deps.store, req.currency, deps.treasuryFloat, now);
  const created = await deps.store.createAccount({
    id: req.accountId,
    currency: req.currency,
    balance: 0,
    holderDeviceId: req.holderDeviceId,
    applied: [],
    createdAtMs: now,
    ...(req.name ? { name: req.name } : {}),
  });
  if (!created) throw new DfsError('LEDGER_ACCOUNT_EXISTS');
  if (req.opening) {
    const t: Transfer = {
      id: randomUUID(),
      payer: treasuryOf(req.currency),
      payee: req.accountId,
      amount: req.opening.minorUnits,
      currency: req.currency,
      idempotencyKey: `open:${req.accountId}`,
      requestHash: '',
      deviceId: req.holderDeviceId ?? 'operator',
      kind: 'funding',
      state: 'PENDING',
      risk: { decision: 'APPROVE', ruleIds: [], reason: 'account opening' },
      code: null,
      result: null,
      createdAtMs: now,
    };
    await deps.store.insertTransfer(t);
    await completeTransfer(t, deps);
  }
  const account = await deps.store.getAccount(req.accountId);
  return { accountId: req.accountId, balance: account?.balance ?? 0, currency: req.currency };
}
