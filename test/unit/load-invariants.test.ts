import { describe, expect, it } from 'vitest';
import { checkInvariants, type SeenPayment } from '../../cli/load/invariants.js';

const opening = new Map([['w1', 1000], ['w2', 1000], ['m1', 0]]);
const seen: SeenPayment[] = [
  { transactionId: 't1', payer: 'w1', payee: 'm1', minorUnits: 100, status: 'POSTED' },
  { transactionId: 't2', payer: 'w2', payee: 'm1', minorUnits: 300, status: 'POSTED' },
  { transactionId: 't3', payer: 'w2', payee: 'm1', minorUnits: 999, status: 'DECLINED' },
];
const ledger = () => ({ balances: new Map([['w1', 900], ['w2', 700], ['m1', 400]]), posted: new Map([['t1', 7], ['t2', 8]]) });

describe('load tool correctness check (issue 9)', () => {
  it('holds for a ledger that matches what the generator saw', () => {
    expect(checkInvariants(opening, seen, ledger())).toEqual({ balancesConserved: true, noNegativeBalance: true, lost: 0, duplicated: 0, ok: true });
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
});
