import { describe, expect, it } from 'vitest';
import { DfsError } from '../../kit/src/errors.js';
import { chainEntry, verifyJournal } from '../../services/transaction/src/domain/journal.js';
import { parseMoney } from '../../services/transaction/src/domain/money.js';
import type { JournalEntry } from '../../services/transaction/src/domain/model.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DfsError).code;
  }
  return 'NO_ERROR';
};
const CUR = new Set(['KES', 'USD']);

describe('money: integer minor units only (brief §5)', () => {
  it('accepts a positive integer string or number within the maximum', () => {
    expect(parseMoney({ minorUnits: '1250', currency: 'KES' }, CUR, 10_000)).toEqual({
      minorUnits: 1250,
      currency: 'KES',
    });
    expect(parseMoney({ minorUnits: 7, currency: 'USD' }, CUR, 10_000).minorUnits).toBe(7);
  });
  it.each([['12.5'], ['-5'], ['0'], ['00012'], [12.5], ['1e3'], [''], [null], ['10001'], ['99999999999999999999']])(
    'rejects %s as AMOUNT_INVALID',
    (v) => {
      expect(codeOf(() => parseMoney({ minorUnits: v, currency: 'KES' }, CUR, 10_000))).toBe('AMOUNT_INVALID');
    },
  );
  it('rejects unknown currencies', () => {
    expect(codeOf(() => parseMoney({ minorUnits: '5', currency: 'XXX' }, CUR, 10_000))).toBe('CURRENCY_INVALID');
    expect(codeOf(() => parseMoney({ minorUnits: '5', currency: 'kes' }, CUR, 10_000))).toBe('CURRENCY_INVALID');
  });
});

describe('journal hash chain (brief §5: tampering with stored history is detected)', () => {
  const build = (n: number) => {
    const entries: JournalEntry[] = [];
    for (let i = 0; i < n; i++)
      entries.push(
        chainEntry(entries.at(-1) ?? null, {
          transferId: `t${i}`,
          debit: 'a',
          credit: 'b',
          amount: 100 + i,
          currency: 'KES',
          atMs: 1_700_000_000_000 + i,
        }),
      );
    return entries;
  };
  it('verifies an intact chain', () => {
    expect(verifyJournal(build(5))).toBeNull();
  });
  it('finds an edited amount, a removed entry and a re-hashed forgery', () => {
    const edited = build(5);
    edited[2] = { ...edited[2]!, amount: 1 };
    expect(verifyJournal(edited)).toBe(3);
    const removed = build(5);
    removed.splice(1, 1);
    expect(verifyJournal(removed)).toBe(3);
    const forged = build(5);
    const { hash: _h, ...rest } = forged[3]!;
    forged[3] = chainEntry(forged[2]!, { ...rest, amount: 9_999 });
    expect(verifyJournal(forged)).toBe(5);
  });
});
