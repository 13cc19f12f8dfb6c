import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../services/transaction/src/domain/journal.js';
import { recoverPending, submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { returnTransfer } from '../../../services/transaction/src/domain/returns.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, payloadOf } from './harness.js';

async function posted(amount = 4_000) {
  const h = await harness();
  const p = await h.phone(10_000);
  const m = await h.merchant();
  const r = payloadOf(await submitPayment(await p.sign(p.payment(m, amount)), p.token, p.peer, h.deps));
  return { h, p, m, id: r.transactionId as string };
}

describe('reversals and refunds: new transfers linked to the original, history untouched', () => {
  it('reverses the whole amount once; a repeat returns the same signed result', async () => {
    const { h, p, m, id } = await posted();
    const journalBefore = await h.store.readJournal();
    const rev = await returnTransfer(
      { transactionId: id, kind: 'reversal', amount: null, idempotencyKey: '', reason: 'chargeback' },
      h.deps,
    );
    const r = payloadOf(rev);
    expect([r.status, r.kind, r.originalId, r.payer, r.payee, r.amount.minorUnits]).toEqual([
      'POSTED',
      'reversal',
      id,
      m,
      p.accountId,
      '4000',
    ]);
    expect(
      await returnTransfer(
        { transactionId: id, kind: 'reversal', amount: null, idempotencyKey: '', reason: 'chargeback' },
        h.deps,
      ),
    ).toBe(rev);
    expect((await h.store.getAccount(p.accountId))?.balance).toBe(10_000);
    expect((await h.store.getTransfer(id))?.state).toBe('POSTED');
    expect((await h.store.readJournal()).slice(0, journalBefore.length)).toEqual(journalBefore);
    expect((await h.store.pendingOutbox(1000)).filter((e) => e.type === 'payment.reversed')).toHaveLength(1);
    expect(await verifyLedger(await h.store.readJournal(), (x) => h.store.getTransfer(x))).toBeNull();
  });

  it(
    'lets refunds add up to the amount, then fails the ' + 'next one (TRANSACTION_NOT_REVERSIBLE) and a reversal',
    async () => {
      const { h, p, id } = await posted();
      const refund = (key: string, minor: number) =>
        returnTransfer(
          {
            transactionId: id,
            kind: 'refund',
            amount: { minorUnits: minor, currency: 'KES' },
            idempotencyKey: key,
            reason: '',
          },
          h.deps,
        );
      expect(payloadOf(await refund('refund-0001', 1_500)).status).toBe('POSTED');
      expect(payloadOf(await refund('refund-0002', 2_500)).status).toBe('POSTED');
      const over = payloadOf(await refund('refund-0003', 1));
      expect([over.status, over.code]).toEqual(['FAILED', 'TRANSACTION_NOT_REVERSIBLE']);
      const rev = payloadOf(
        await returnTransfer(
          { transactionId: id, kind: 'reversal', amount: null, idempotencyKey: '', reason: '' },
          h.deps,
        ),
      );
      expect(rev.code).toBe('TRANSACTION_NOT_REVERSIBLE');
      expect(await codeOf(refund('refund-0001', 1_000))).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await h.store.getAccount(p.accountId))?.balance).toBe(10_000);
    },
  );

  it('releases the reservation when the payee cannot cover the return, so a later one can post', async () => {
    const { h, p, m, id } = await posted();
    const other = await h.phone(0);
    await submitPayment(await p.sign(p.payment(other.accountId, 1)), p.token, p.peer, h.deps);
    const drain = await h.phone(0);
    await h.store.debit(m, 'test-drain', 3_000);
    await h.store.credit(drain.accountId, 'test-drain', 3_000);
    const failed = payloadOf(
      await returnTransfer(
        { transactionId: id, kind: 'reversal', amount: null, idempotencyKey: '', reason: '' },
        h.deps,
      ),
    );
    expect([failed.status, failed.code]).toEqual(['FAILED', 'LEDGER_INSUFFICIENT_FUNDS']);
    const refund = payloadOf(
      await returnTransfer(
        {
          transactionId: id,
          kind: 'refund',
          amount: { minorUnits: 1_000, currency: 'KES' },
          idempotencyKey: 'refund-0001',
          reason: '',
        },
        h.deps,
      ),
    );
    expect(refund.status).toBe('POSTED');
    expect((await h.store.getAccount(m))?.balance).toBe(0);
  });

  it('a crash between reservation and risk answer leaves nothing reserved once recovery fails the return', async () => {
    const { h, p, m, id } = await posted();
    const crashing = { ...h.store, claimRecovery: async () => Promise.reject(new Error('process died')) };
    const reversal = { transactionId: id, kind: 'reversal' as const, amount: null, idempotencyKey: '', reason: '' };
    await expect(returnTransfer(reversal, { ...h.deps, store: crashing })).rejects.toThrow('process died');
    expect((await h.store.getTransfer(id))?.returned).toBe(4_000);
    expect(await recoverPending(h.deps)).toBe(1);
    const [stuck] = (await h.store.listAccountTransfers(m, {}, 10, 0)).filter((t) => t.kind === 'reversal');
    expect([stuck?.state, stuck?.code]).toEqual(['FAILED', 'RISK_UNAVAILABLE']);
    expect((await h.store.getTransfer(id))?.returned).toBe(0);
    const refund = payloadOf(
      await returnTransfer(
        { ...reversal, kind: 'refund', amount: { minorUnits: 4_000, currency: 'KES' }, idempotencyKey: 'after-crash' },
        h.deps,
      ),
    );
    expect(refund.status).toBe('POSTED');
    expect((await h.store.getAccount(p.accountId))?.balance).toBe(10_000);
  });

  it('refuses returns of unknown, unposted or return transfers, and of another currency', async () => {
    const { h, id } = await posted();
    const rev = payloadOf(
      await returnTransfer(
        { transactionId: id, kind: 'reversal', amount: null, idempotencyKey: '', reason: '' },
        h.deps,
      ),
    );
    expect(
      await codeOf(
        returnTransfer(
          {
            transactionId: '00000000-0000-4000-8000-000000000000',
            kind: 'reversal',
            amount: null,
            idempotencyKey: '',
            reason: '',
          },
          h.deps,
        ),
      ),
    ).toBe('TRANSACTION_NOT_FOUND');
    expect(
      await codeOf(
        returnTransfer(
          { transactionId: rev.transactionId, kind: 'reversal', amount: null, idempotencyKey: '', reason: '' },
          h.deps,
        ),
      ),
    ).toBe('TRANSACTION_NOT_REVERSIBLE');
    expect(
      await codeOf(
        returnTransfer(
          {
            transactionId: id,
            kind: 'refund',
            amount: { minorUnits: 1, currency: 'UGX' },
            idempotencyKey: 'refund-0009',
            reason: '',
          },
          h.deps,
        ),
      ),
    ).toBe('LEDGER_CURRENCY_MISMATCH');
  });
});
