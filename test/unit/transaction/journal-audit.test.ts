import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { journalAudit, signCheckpoint } from '../../../services/transaction/src/domain/journal-audit.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';
import type { LedgerStore } from '../../../services/transaction/src/store/ports.js';
import { seedJournal } from '../../support/journal-seed.js';

const log = createLogger('audit-test', 'silent');

/** The store with every journal read recorded as the seq it starts after. */
function counting(inner: LedgerStore) {
  const reads: number[] = [];
  const store: LedgerStore = new Proxy(inner, {
    get: (t, p, r) =>
      p === 'readJournal'
        ? (afterSeq = 0, limit?: number) => {
            reads.push(afterSeq);
            return inner.readJournal(afterSeq, limit);
          }
        : Reflect.get(t, p, r),
  });
  return { store, reads };
}

describe('background journal verification from signed checkpoints', () => {
  it(
    'verifies only what was appended since the last run, ' + 'and a restart resumes from the stored checkpoint',
    async () => {
      const inner = memoryLedgerStore();
      const { key } = await generateSigningKey();
      await seedJournal(inner, 3_500);
      const first = counting(inner);
      const audit = journalAudit({ store: first.store, key: () => key, log, now: Date.now });
      expect((await audit.run()).verified.seq).toBe(3_500);
      expect(first.reads[0]).toBe(0);

      await seedJournal(inner, 10, 3_500);
      first.reads.length = 0;
      expect((await audit.run()).verified.seq).toBe(3_510);
      expect(first.reads).toEqual([3_500, 3_510]);

      const restarted = counting(inner);
      const again = journalAudit({ store: restarted.store, key: () => key, log, now: Date.now });
      expect(await again.run()).toMatchObject({ verified: { seq: 3_510 }, badSeq: null });
      expect(restarted.reads).toEqual([3_510]);
    },
    30_000,
  );

  it(
    'a checkpoint not signed by the service key is ignored: verification ' +
      'starts from the first entry and finds the forgery behind it',
    async () => {
      const inner = memoryLedgerStore();
      const { key } = await generateSigningKey();
      const { key: other } = await generateSigningKey();
      await seedJournal(inner, 100);
      const entries = await inner.readJournal();
      const tampered: LedgerStore = new Proxy(inner, {
        get: (t, p, r) =>
          p === 'readJournal'
            ? async (a?: number, l?: number) =>
                (await inner.readJournal(a, l)).map((e) => (e.seq === 40 ? { ...e, amount: e.amount + 1 } : e))
            : Reflect.get(t, p, r),
      });
      await inner.putCheckpoint(100, await signCheckpoint({ seq: 100, hash: entries[99]!.hash }, Date.now(), key));
      expect((await journalAudit({ store: tampered, key: () => key, log, now: Date.now }).run()).badSeq).toBeNull();

      const forged = memoryLedgerStore();
      await seedJournal(forged, 100);
      const forgedEntries = await forged.readJournal();
      await forged.putCheckpoint(
        100,
        await signCheckpoint({ seq: 100, hash: forgedEntries[99]!.hash }, Date.now(), other),
      );
      const view: LedgerStore = new Proxy(forged, {
        get: (t, p, r) =>
          p === 'readJournal'
            ? async (a?: number, l?: number) =>
                (await forged.readJournal(a, l)).map((e) => (e.seq === 40 ? { ...e, amount: e.amount + 1 } : e))
            : Reflect.get(t, p, r),
      });
      expect((await journalAudit({ store: view, key: () => key, log, now: Date.now }).run()).badSeq).toBe(40);
    },
  );

  it('an entry forged after the checkpoint is found by the next run, and the metric state says so', async () => {
    const inner = memoryLedgerStore();
    const { key } = await generateSigningKey();
    await seedJournal(inner, 50);
    const audit = journalAudit({ store: inner, key: () => key, log, now: Date.now });
    await audit.run();
    await inner.appendJournal('forged', (prev) => ({
      ...prev!,
      seq: prev!.seq + 1,
      transferId: 'forged',
      prevHash: prev!.hash,
    }));
    expect(await audit.run()).toMatchObject({ verified: { seq: 50 }, badSeq: 51 });
    expect(audit.state().badSeq).toBe(51);
  });
});
