import { describe, expect, it } from 'vitest';
import { DfsError } from '../../kit/src/errors.js';
import type { PaymentResult } from '../../contracts/results.js';
import { checkInvariants, type SeenPayment } from '../../cli/load/invariants.js';
import { settleUnknown } from '../../cli/load/settle.js';

const opening = new Map([
  ['w1', 1000],
  ['w2', 1000],
  ['m1', 0],
]);
const seen: SeenPayment[] = [
  { transactionId: 't1', payer: 'w1', payee: 'm1', minorUnits: 100, idempotencyKey: 'k1', status: 'POSTED' },
  { transactionId: 't2', payer: 'w2', payee: 'm1', minorUnits: 300, idempotencyKey: 'k2', status: 'POSTED' },
  { transactionId: 't3', payer: 'w2', payee: 'm1', minorUnits: 999, idempotencyKey: 'k3', status: 'DECLINED' },
];
const ledger = () => ({
  balances: new Map([
    ['w1', 900],
    ['w2', 700],
    ['m1', 400],
  ]),
  posted: new Map([
    ['t1', 7],
    ['t2', 8],
  ]),
});

describe('load tool correctness check', () => {
  it('holds for a ledger that matches what the generator saw', () => {
    expect(checkInvariants(opening, seen, ledger())).toEqual({
      balancesConserved: true,
      noNegativeBalance: true,
      lost: 0,
      duplicated: 0,
      unknown: 0,
      refusedButStored: 0,
      ok: true,
    });
  });
  it('catches a payment refused by admission control that the ledger stored anyway', () => {
    const refused: SeenPayment[] = [
      ...seen,
      { transactionId: '', payer: 'w1', payee: 'm1', minorUnits: 50, idempotencyKey: 'k4', status: 'REFUSED' },
    ];
    expect(checkInvariants(opening, refused, ledger())).toMatchObject({ refusedButStored: 0, ok: true });
    expect(checkInvariants(opening, refused, { ...ledger(), refusedStored: 1 })).toMatchObject({
      refusedButStored: 1,
      ok: false,
    });
  });
  it('catches a deliberately lost payment: accepted by the phone, absent from the ledger', () => {
    const l = ledger();
    l.posted.delete('t2');
    l.balances.set('w2', 1000);
    l.balances.set('m1', 100);
    const inv = checkInvariants(opening, seen, l);
    expect(inv.lost).toBe(1);
    expect(inv.ok).toBe(false);
  });
  it('catches a payment posted twice (two payments claiming one journal entry, balances moved twice)', () => {
    const l = ledger();
    l.posted.set('t2', 7);
    l.balances.set('w1', 800);
    l.balances.set('m1', 500);
    const inv = checkInvariants(opening, seen, l);
    expect(inv.duplicated).toBe(1);
    expect(inv.balancesConserved).toBe(false);
    expect(inv.ok).toBe(false);
  });
  it('catches money created from nothing and negative balances', () => {
    const l = ledger();
    l.balances.set('m1', 401);
    expect(checkInvariants(opening, seen, l).balancesConserved).toBe(false);
    l.balances.set('m1', 400);
    l.balances.set('w2', -1);
    expect(checkInvariants(opening, seen, l).noNegativeBalance).toBe(false);
  });

  it(
    'settles payments whose answer was lost by asking per idempotency ' +
      'key; a posted one then balances, an unanswerable one fails the check',
    async () => {
      const lostAnswer = (): SeenPayment[] => [
        ...seen.map((p) => ({ ...p })),
        { transactionId: '', payer: 'w1', payee: 'm1', minorUnits: 50, idempotencyKey: 'k4', status: 'ERROR' },
        { transactionId: '', payer: 'w2', payee: 'm1', minorUnits: 70, idempotencyKey: 'k5', status: 'ERROR' },
      ];
      const l = ledger();
      l.posted.set('t4', 9);
      l.balances.set('w1', 850);
      l.balances.set('m1', 450);
      const unsettled = lostAnswer();
      expect(checkInvariants(opening, unsettled, l)).toMatchObject({ balancesConserved: false, unknown: 2, ok: false });

      let asked = 0;
      const backend = async (p: SeenPayment): Promise<PaymentResult> => {
        if (p.idempotencyKey === 'k5')
          return { transactionId: 't5', status: 'FAILED', code: 'PAYMENT_ABANDONED' } as PaymentResult;
        if ((asked += 1) < 3) throw new DfsError('TRANSACTION_IN_PROGRESS');
        return { transactionId: 't4', status: 'POSTED' } as PaymentResult;
      };
      const settledSeen = lostAnswer();
      expect(await settleUnknown(settledSeen, backend, 5_000, 1)).toEqual({ settled: 2, unknown: 0 });
      expect(asked).toBe(3);
      expect(settledSeen.slice(3).map((p) => [p.transactionId, p.status])).toEqual([
        ['t4', 'POSTED'],
        ['t5', 'FAILED'],
      ]);
      expect(checkInvariants(opening, settledSeen, l)).toMatchObject({
        balancesConserved: true,
        lost: 0,
        unknown: 0,
        ok: true,
      });

      const down = lostAnswer();
      expect(
        await settleUnknown(
          down,
          async () => {
            throw new DfsError('UNAVAILABLE');
          },
          20,
          1,
        ),
      ).toEqual({ settled: 0, unknown: 2 });
      expect(checkInvariants(opening, down, l)).toMatchObject({ unknown: 2, ok: false });
    },
  );
});
