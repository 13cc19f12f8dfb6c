import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { chainEntry, verifyLedger } from '../../../services/transaction/src/domain/journal.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, type Loose } from './harness.js';

/** Rewrites the payload of a compact JWS, keeping its header and signature (a network attacker). */
function edit(jws: string, change: (p: Loose) => void): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  change(payload);
  return `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
}

describe('tampering (domain level)', () => {
  it.each([
    [
      'amount',
      (p: Loose) => {
        p.amount.minorUnits = '9000';
      },
    ],
    [
      'payee',
      (p: Loose) => {
        p.payee = 'merchant-attacker';
      },
    ],
    [
      'currency',
      (p: Loose) => {
        p.amount.currency = 'UGX';
      },
    ],
    [
      'idempotency key',
      (p: Loose) => {
        p.idempotencyKey = 'another-key-0001';
      },
    ],
  ])(
    'refuses a payment whose %s changed after signing (PAYMENT_SIGNATURE_INVALID), writing nothing',
    async (_f, change) => {
      const h = await harness();
      const p = await h.phone(10_000);
      const m = await h.merchant();
      const signed = edit(await p.sign(p.payment(m, 100)), change);
      h.writes.length = 0;
      expect(await codeOf(submitPayment(signed, p.token, p.peer, h.deps))).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(h.writes).toEqual([]);
    },
  );

  it(
    "refuses a payment sent with another device's token (PAYMENT_KEY_NOT_BOUND) " +
      "or over another device's TLS (PAYMENT_DEVICE_MISMATCH)",
    async () => {
      const h = await harness();
      const a = await h.phone(10_000);
      const b = await h.phone(10_000);
      const m = await h.merchant();
      h.writes.length = 0;
      expect(await codeOf(submitPayment(await a.sign(a.payment(m, 100)), b.token, a.peer, h.deps))).toBe(
        'PAYMENT_KEY_NOT_BOUND',
      );
      expect(await codeOf(submitPayment(await a.sign(a.payment(m, 100)), a.token, b.peer, h.deps))).toBe(
        'PAYMENT_DEVICE_MISMATCH',
      );
      expect(h.writes).toEqual([]);
    },
  );

  it('refuses a stale or future timestamp (PAYMENT_STALE)', async () => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    h.writes.length = 0;
    expect(
      await codeOf(
        submitPayment(await p.sign(p.payment(m, 100, { iat: h.clock.now - 121_000 })), p.token, p.peer, h.deps),
      ),
    ).toBe('PAYMENT_STALE');
    expect(
      await codeOf(
        submitPayment(await p.sign(p.payment(m, 100, { iat: h.clock.now + 121_000 })), p.token, p.peer, h.deps),
      ),
    ).toBe('PAYMENT_STALE');
    expect(h.writes).toEqual([]);
  });

  it(
    'answers a replay of a posted payment with its stored result ' +
      'and never debits twice; too late, it is PAYMENT_STALE',
    async () => {
      const h = await harness();
      const p = await h.phone(10_000);
      const m = await h.merchant();
      const signed = await p.sign(p.payment(m, 1_000));
      const first = await submitPayment(signed, p.token, p.peer, h.deps);
      expect(await submitPayment(signed, p.token, p.peer, h.deps)).toBe(first);
      h.clock.now += 121_000;
      expect(await codeOf(submitPayment(signed, p.token, p.peer, h.deps))).toBe('PAYMENT_STALE');
      expect((await h.store.getAccount(p.accountId))?.balance).toBe(9_000);
      expect((await h.store.getAccount(m))?.balance).toBe(1_000);
    },
  );

  it("asks for all of a batch's transfers at once, so the store can read them in one query", async () => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    for (let i = 0; i < 5; i++) await submitPayment(await p.sign(p.payment(m, 100)), p.token, p.peer, h.deps);
    const journal = await h.store.readJournal();
    let inFlight = 0;
    let most = 0;
    const transferOf = async (id: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return h.store.getTransfer(id);
    };
    expect(await verifyLedger(journal, transferOf)).toBeNull();
    expect(most).toBe(journal.filter((e) => e.debit !== 'genesis').length);
    expect(most).toBeGreaterThanOrEqual(5);
  });

  it(
    'detects a forged journal entry: an edited amount, and ' + 'a re-hashed entry with no posted transfer behind it',
    async () => {
      const h = await harness();
      const p = await h.phone(10_000);
      const m = await h.merchant();
      await submitPayment(await p.sign(p.payment(m, 1_000)), p.token, p.peer, h.deps);
      const journal = await h.store.readJournal();
      const transferOf = (id: string) => h.store.getTransfer(id);
      expect(await verifyLedger(journal, transferOf)).toBeNull();
      const last = journal.at(-1)!;
      expect(await verifyLedger([...journal.slice(0, -1), { ...last, amount: 1 }], transferOf)).toBe(last.seq);
      const forged = chainEntry(last, {
        transferId: 'forged-1',
        debit: m,
        credit: p.accountId,
        amount: 5_000,
        currency: 'KES',
        atMs: h.clock.now,
      });
      expect(await verifyLedger([...journal, forged], transferOf)).toBe(forged.seq);
      const rehashed = chainEntry(journal.at(-2)!, {
        transferId: last.transferId,
        debit: last.debit,
        credit: 'merchant-attacker',
        amount: last.amount,
        currency: last.currency,
        atMs: last.atMs,
      });
      expect(await verifyLedger([...journal.slice(0, -1), rehashed], transferOf)).toBe(rehashed.seq);
    },
  );
});
