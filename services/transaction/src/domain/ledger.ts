import { DfsError } from '../../../../kit/src/errors.js';
import type { Transfer } from './model.js';
import type { AccountStore, JournalStore } from '../store/ports.js';
import { chainEntry } from './journal.js';

/** What posting a transfer did. */
export type PostOutcome =
  | { status: 'POSTED'; journalSeq: number; payerBalance: number }
  | { status: 'FAILED'; code: 'LEDGER_INSUFFICIENT_FUNDS' };

/**
 * Posts a transfer double-entry without multi-document transactions (brief §5): a conditional,
 * idempotent debit of the payer (balance >= amount), an idempotent credit of the payee, then one
 * hash-chained journal entry per transfer. Every step can be re-run after a crash (roll forward).
 */
export async function postTransfer(store: AccountStore & JournalStore, t: Transfer, now: number): Promise<PostOutcome> {
  const debit = await store.debit(t.payer, t.id, t.amount);
  if (debit.outcome === 'insufficient') return { status: 'FAILED', code: 'LEDGER_INSUFFICIENT_FUNDS' };
  await store.credit(t.payee, t.id, t.amount);
  const entry = await store.appendJournal(t.id, (prev) =>
    chainEntry(prev, {
      transferId: t.id,
      debit: t.payer,
      credit: t.payee,
      amount: t.amount,
      currency: t.currency,
      atMs: now,
    }),
  );
  return { status: 'POSTED', journalSeq: entry.seq, payerBalance: debit.balance };
}

/**
 * Checks that both accounts exist, are distinct, hold the transfer's currency, and the payer is the
 * device's wallet.
 */
export async function checkAccounts(
  store: Pick<AccountStore, 'getAccount'>,
  payer: string,
  payee: string,
  currency: string,
  deviceId: string,
): Promise<void> {
  if (payer === payee) throw new DfsError('INVALID_ARGUMENT', 'payer equals payee');
  const [a, b] = await Promise.all([store.getAccount(payer), store.getAccount(payee)]);
  if (!a || !b) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  if (a.holderDeviceId !== deviceId) throw new DfsError('PAYMENT_PAYER_NOT_OWNED');
  if (a.currency !== currency || b.currency !== currency) throw new DfsError('LEDGER_CURRENCY_MISMATCH');
}
