import { chainEntry } from '../../services/transaction/src/domain/journal.js';
import type { Transfer } from '../../services/transaction/src/domain/model.js';
import type { LedgerStore } from '../../services/transaction/src/store/ports.js';

/**
 * Appends `n` journal entries to `store`, each backed by a
 * POSTED transfer of the same amount (so the journal verifies).
 */
export async function seedJournal(store: LedgerStore, n: number, from = 0): Promise<void> {
  for (let i = from + 1; i <= from + n; i++) {
    const t: Transfer = {
      id: `seed-${i}`,
      payer: 'seed-payer',
      payee: 'seed-payee',
      amount: 1 + (i % 97),
      currency: 'KES',
      idempotencyKey: `seed-${i}`,
      requestHash: '',
      deviceId: 'seed-device',
      kind: 'payment',
      state: 'POSTED',
      risk: null,
      code: null,
      result: null,
      createdAtMs: i,
    };
    await store.insertTransfer(t);
    await store.appendJournal(t.id, (prev) =>
      chainEntry(prev, {
        transferId: t.id,
        debit: t.payer,
        credit: t.payee,
        amount: t.amount,
        currency: t.currency,
        atMs: i,
      }),
    );
  }
}
