import { describe, expect, it } from 'vitest';
import { DfsError } from '../../../kit/src/errors.js';
import { verifyLedger } from '../../../services/transaction/src/domain/journal.js';
import {
  finalEventId,
  LIVE_COMPLETION_MS,
  recoverPending,
  submitPayment,
} from '../../../services/transaction/src/domain/payments.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';
import type { LedgerStore } from '../../../services/transaction/src/store/ports.js';
import { codeOf } from '../../support/expect-code.js';
import { APPROVE, crashingHarness, harness, payloadOf } from './harness.js';

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('payments: exact money under concurrency (domain level)', () => {
  it(
    '1,000 concurrent payments from 50 wallets that cannot cover them all: no negative ' +
      'balance, sum unchanged, each posted once in the journal, every refusal coded',
    async () => {
      const h = await harness();
      h.risk.answer = async (t) =>
        t.amount % 97 === 0
          ? { decision: 'DECLINE', ruleIds: ['test.decline'], reason: 'test' }
          : { decision: 'APPROVE', ruleIds: [], reason: 'test' };
      const phones = await Promise.all(Array.from({ length: 50 }, () => h.phone(5_000)));
      const merchants = await Promise.all(Array.from({ length: 5 }, () => h.merchant()));
      const before = sum(await h.balances());
      const jobs = phones.flatMap((p, i) =>
        Array.from({ length: 20 }, (_, j) => {
          const payee = j % 4 === 0 ? phones[(i + 1) % phones.length]!.accountId : merchants[j % merchants.length]!;
          return { p, payload: p.payment(payee, 100 + (((i * 20 + j) * 37) % 900)) };
        }),
      );
      const outcomes = await Promise.all(
        jobs.map(async ({ p, payload }) => {
          try {
            return payloadOf(await submitPayment(await p.sign(payload), p.token, p.peer, h.deps));
          } catch (err) {
            return { status: 'REFUSED', code: (err as DfsError).code };
          }
        }),
      );
      const after = await h.balances();
      expect([...after.values()].every((b) => b >= 0)).toBe(true);
      expect(sum(after)).toBe(before);
      const journal = await h.store.readJournal();
      const posted = outcomes.filter((o) => o.status === 'POSTED');
      const refused = outcomes.filter((o) => o.status !== 'POSTED');
      expect(posted.length).toBeGreaterThan(100);
      expect(refused.filter((o) => o.code === 'LEDGER_INSUFFICIENT_FUNDS').length).toBeGreaterThan(100);
      expect(refused.some((o) => o.code === 'RISK_DECLINED')).toBe(true);
      for (const o of posted) expect(journal.filter((e) => e.transferId === o.transactionId)).toHaveLength(1);
      expect(
        journal.filter((e) => e.debit !== 'genesis' && !posted.some((o) => o.transactionId === e.transferId)),
      ).toHaveLength(50);
      for (const o of refused) expect(o.code).toMatch(/^[A-Z_]+$/);
      expect(await verifyLedger(journal, (id) => h.store.getTransfer(id))).toBeNull();
    },
    60_000,
  );
});

describe('idempotency (domain level)', () => {
  it('20 concurrent retries of one key give one transfer and byte-identical results', async () => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const signed = await p.sign(p.payment(m, 700));
    const results = await Promise.all(Array.from({ length: 20 }, () => submitPayment(signed, p.token, p.peer, h.deps)));
    expect(new Set(results).size).toBe(1);
    expect(payloadOf(results[0]!).status).toBe('POSTED');
    expect((await h.store.getAccount(p.accountId))?.balance).toBe(9_300);
    expect(
      (await h.store.readJournal()).filter((e) => e.transferId === payloadOf(results[0]!).transactionId),
    ).toHaveLength(1);
  });

  it('refuses the same key with another amount (IDEMPOTENCY_KEY_REUSED) and keeps the first result', async () => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const first = p.payment(m, 700);
    await submitPayment(await p.sign(first), p.token, p.peer, h.deps);
    const other = { ...first, amount: { minorUnits: '701', currency: 'KES' } };
    expect(await codeOf(submitPayment(await p.sign(other), p.token, p.peer, h.deps))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await h.store.getAccount(p.accountId))?.balance).toBe(9_300);
  });
});

describe('risk fails closed', () => {
  it('fails a payment when risk does not answer (RISK_UNAVAILABLE) and moves nothing', async () => {
    const h = await harness();
    h.risk.answer = () => Promise.reject(new Error('deadline'));
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const r = payloadOf(await submitPayment(await p.sign(p.payment(m, 1)), p.token, p.peer, h.deps));
    expect([r.status, r.code]).toEqual(['FAILED', 'RISK_UNAVAILABLE']);
    expect((await h.store.getAccount(p.accountId))?.balance).toBe(10_000);
  });

  it('lets only amounts strictly below RISK_FAILOPEN_MAX_MINOR pass when risk is late', async () => {
    const h = await harness({ riskFailOpenMaxMinor: 500 });
    h.risk.answer = () => Promise.reject(new Error('deadline'));
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const small = payloadOf(await submitPayment(await p.sign(p.payment(m, 499)), p.token, p.peer, h.deps));
    const limit = payloadOf(await submitPayment(await p.sign(p.payment(m, 500)), p.token, p.peer, h.deps));
    expect([small.status, small.risk.ruleIds]).toEqual(['POSTED', ['risk.failOpen']]);
    expect([limit.status, limit.code]).toEqual(['FAILED', 'RISK_UNAVAILABLE']);
  });
});

describe('pending -> posted recovery at start-up and by the periodic sweep (brief §5)', () => {
  /**
   * A payment of 2,500 from a wallet of 1,000, refused for funds: its failure is announced (final
   * event, request), then its final write fails. Then the payer is funded with 5,000.
   */
  async function refusedThenFunded() {
    const inner = memoryLedgerStore();
    const failing = { on: false };
    const store: LedgerStore = {
      ...inner,
      finishTransfer: async (...a) => {
        if (failing.on) throw new DfsError('STORE_UNAVAILABLE', 'failed over');
        return inner.finishTransfer(...a);
      },
    };
    const h = await harness({ store });
    const p = await h.phone(1_000);
    const m = await h.merchant();
    failing.on = true;
    const signed = await p.sign(p.payment(m, 2_500));
    expect(await codeOf(submitPayment(signed, p.token, p.peer, h.deps))).toBe('STORE_UNAVAILABLE');
    failing.on = false;
    const [pending] = await inner.listPending();
    expect(await inner.credit(p.accountId, 'top-up', 5_000)).toBe('applied');
    return { h, inner, p, m, signed, pending: pending! };
  }

  it('ends a payment refused for funds as announced, FAILED, even once the payer could cover it', async () => {
    // A recovery that decided again would find the payer funded and post what was announced as failed.
    const { h, inner, p, m, signed, pending } = await refusedThenFunded();
    const announced = (await inner.pendingOutbox(100)).find((e) => e.id === finalEventId(pending.id));
    expect(announced?.type).toBe('payment.failed');
    expect(await recoverPending({ store: inner, resultKey: h.deps.resultKey, now: h.deps.now })).toBe(1);
    expect(await inner.getTransfer(pending.id)).toMatchObject({ state: 'FAILED', code: 'LEDGER_INSUFFICIENT_FUNDS' });
    expect((await inner.getAccount(p.accountId))?.balance).toBe(6_000);
    expect((await inner.getAccount(m))?.balance).toBe(0);
    expect(payloadOf(await submitPayment(signed, p.token, p.peer, h.deps))).toMatchObject({
      status: 'FAILED',
      code: 'LEDGER_INSUFFICIENT_FUNDS',
    });
  });

  it('reads a listed transfer again once it holds it: an outcome decided since the list is kept', async () => {
    const { h, inner, m, pending } = await refusedThenFunded();
    // A recovery whose list was read before the outcome was decided (another replica's pass).
    const stale: LedgerStore = {
      ...inner,
      listPending: async () => (await inner.listPending()).map((t) => ({ ...t, decided: null })),
    };
    expect(await recoverPending({ store: stale, resultKey: h.deps.resultKey, now: h.deps.now })).toBe(1);
    expect(await inner.getTransfer(pending.id)).toMatchObject({ state: 'FAILED', code: 'LEDGER_INSUFFICIENT_FUNDS' });
    expect((await inner.getAccount(m))?.balance).toBe(0);
  });

  it('goes on past a transfer whose completion fails, then reports the failure', async () => {
    const { h, inner, crash } = await crashingHarness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    crash.on = true;
    for (const amount of [1_000, 2_000])
      await expect(submitPayment(await p.sign(p.payment(m, amount)), p.token, p.peer, h.deps)).rejects.toThrow();
    const [first, second] = await inner.listPending();
    crash.on = false;
    // The first in line cannot finish (its final write keeps failing); the second is rolled forward.
    const stuck: LedgerStore = {
      ...inner,
      finishTransfer: async (id, ...rest) => {
        if (id === first!.id) throw new DfsError('STORE_UNAVAILABLE', 'failed over');
        return inner.finishTransfer(id, ...rest);
      },
    };
    const deps = { store: stuck, resultKey: h.deps.resultKey, now: h.deps.now };
    expect(await codeOf(recoverPending(deps))).toBe('STORE_UNAVAILABLE');
    expect((await inner.getTransfer(first!.id))?.state).toBe('PENDING');
    expect((await inner.getTransfer(second!.id))?.state).toBe('POSTED');
  });

  it('answers a payment that posted with its result when clearing the markers fails', async () => {
    const inner = memoryLedgerStore();
    const store: LedgerStore = {
      ...inner,
      clearApplied: async () => {
        throw new DfsError('STORE_UNAVAILABLE', 'failed over');
      },
    };
    const h = await harness({ store });
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const posted = payloadOf(await submitPayment(await p.sign(p.payment(m, 2_500)), p.token, p.peer, h.deps));
    expect(posted.status).toBe('POSTED');
    expect((await inner.getAccount(m))?.balance).toBe(2_500);
  });

  it(
    'rolls a transfer left pending between debit and credit forward ' +
      'exactly once, young ones and ones another recovery holds left alone',
    async () => {
      const { h, inner, crash } = await crashingHarness();
      const p = await h.phone(10_000);
      const m = await h.merchant();
      const before = sum(await h.balances());
      crash.on = true;
      const signed = await p.sign(p.payment(m, 2_500));
      await expect(submitPayment(signed, p.token, p.peer, h.deps)).rejects.toThrow();
      const [pending] = await inner.listPending();
      expect(pending?.state).toBe('PENDING');
      expect((await inner.getAccount(p.accountId))?.balance).toBe(7_500);
      expect(sum(await h.balances())).toBe(before - 2_500);

      crash.on = false;
      const later = (ms: number) => () => h.deps.now() + ms;
      expect(await recoverPending({ store: inner, resultKey: h.deps.resultKey, now: later(0) }, 60_000)).toBe(0);
      expect((await inner.getTransfer(pending!.id))?.state).toBe('PENDING');
      expect(await inner.claimRecovery(pending!.id, h.deps.now(), h.deps.now() + 120_000)).toBe(true);
      expect(await recoverPending({ store: inner, resultKey: h.deps.resultKey, now: later(60_001) }, 60_000)).toBe(0);
      expect((await inner.getTransfer(pending!.id))?.state).toBe('PENDING');
      expect(await recoverPending({ store: inner, resultKey: h.deps.resultKey, now: later(120_001) }, 60_000)).toBe(1);
      expect(await recoverPending({ store: inner, resultKey: h.deps.resultKey, now: h.deps.now })).toBe(0);
      expect((await inner.getTransfer(pending!.id))?.state).toBe('POSTED');
      expect((await inner.getAccount(m))?.balance).toBe(2_500);
      expect((await inner.getAccount(p.accountId))?.balance).toBe(7_500);
      expect(sum(await h.balances())).toBe(before);
      expect((await inner.readJournal()).filter((e) => e.transferId === pending!.id)).toHaveLength(1);
      const retry = payloadOf(await submitPayment(signed, p.token, p.peer, { ...h.deps, store: inner }));
      expect([retry.transactionId, retry.status]).toEqual([pending!.id, 'POSTED']);
    },
  );
});

describe('a payment still finishing while the recovery sweep takes it up', () => {
  it('posts once: the payment holds its claim, so the sweep of its own process leaves it to finish', async () => {
    const inner = memoryLedgerStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let armed = false;
    let held = false;
    const slow: LedgerStore = {
      ...inner,
      credit: async (...a) => {
        if (armed && !held) {
          held = true;
          await gate;
        }
        return inner.credit(...a);
      },
    };
    const h = await harness({ store: slow });
    const p = await h.phone(10_000);
    const m = await h.merchant();
    armed = true;
    const live = submitPayment(await p.sign(p.payment(m, 2_500)), p.token, p.peer, h.deps);
    await expect.poll(() => held).toBe(true);
    const sweep = recoverPending(h.deps);
    await Promise.race([sweep, new Promise((r) => setTimeout(r, 200))]);
    release();
    const [answer, recovered] = await Promise.all([live, sweep]);
    expect(payloadOf(answer).status).toBe('POSTED');
    expect(recovered).toBe(0);
    expect((await inner.getAccount(m))?.balance).toBe(2_500);
    expect((await inner.getAccount(p.accountId))?.balance).toBe(7_500);
    expect((await inner.readJournal()).filter((e) => e.transferId === payloadOf(answer).transactionId)).toHaveLength(1);
  });
});

describe('two replicas on one store: recovery never completes a payment in flight alongside its creator', () => {
  const gated = () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    return { gate, open };
  };

  it('a replica starting while a payment waits for risk leaves it alone (the old start-up failed it)', async () => {
    for (const startUpAge of [LIVE_COMPLETION_MS, 0]) {
      const inner = memoryLedgerStore();
      const h = await harness({ store: inner });
      const p = await h.phone(10_000);
      const m = await h.merchant();
      const risk = gated();
      let asked = false;
      h.risk.answer = async () => {
        asked = true;
        await risk.gate;
        return APPROVE;
      };
      const live = submitPayment(await p.sign(p.payment(m, 2_500)), p.token, p.peer, h.deps);
      await expect.poll(() => asked).toBe(true);
      // Another process: its own store object (so its own serializer), the same stored data.
      const starting = { store: { ...inner }, resultKey: h.deps.resultKey, now: h.deps.now };
      const recovered = await recoverPending(starting, startUpAge);
      risk.open();
      const answer = payloadOf(await live);
      if (startUpAge === LIVE_COMPLETION_MS) {
        expect([recovered, answer.status]).toEqual([0, 'POSTED']);
        expect((await inner.getAccount(m))?.balance).toBe(2_500);
      } else {
        expect([recovered, answer.status, answer.code]).toEqual([1, 'FAILED', 'RISK_UNAVAILABLE']);
        expect((await inner.getAccount(m))?.balance).toBe(0);
      }
    }
  });

  it(
    'a creator claims its payment before posting, young or old, so a recovery cannot post it a second ' +
      'time (with the claim switched off the money moves twice)',
    async () => {
      // Old: risk answered after the live bound. Young: the posting began just inside it, then the
      // debit stalled past it (a store failing over) while another replica's sweep ran.
      for (const [when, riskMs, stallMs] of [
        ['old', LIVE_COMPLETION_MS + 1, 0],
        ['young', LIVE_COMPLETION_MS - 1, 2],
      ] as const)
        for (const claims of [true, false]) {
          const inner = memoryLedgerStore();
          let armed = false;
          let held = false;
          const debit = gated();
          const h = await harness({ store: inner });
          const creatorStore: LedgerStore = {
            ...inner,
            // Switched off: the claim records the risk answer as it does, but holds nothing.
            claimRecovery: claims
              ? inner.claimRecovery
              : async (id, _now, _until, risk) => {
                  if (risk) await inner.setRisk(id, risk);
                  return true;
                },
            debit: async (...a) => {
              if (armed) {
                armed = false;
                held = true;
                h.clock.now += stallMs;
                await debit.gate;
              }
              return inner.debit(...a);
            },
          };
          const p = await h.phone(10_000);
          const m = await h.merchant();
          h.risk.answer = async () => {
            h.clock.now += riskMs;
            return APPROVE;
          };
          armed = true;
          const live = submitPayment(await p.sign(p.payment(m, 2_500)), p.token, p.peer, {
            ...h.deps,
            store: creatorStore,
          });
          await expect.poll(() => held).toBe(true);
          const sweep = { store: { ...inner }, resultKey: h.deps.resultKey, now: h.deps.now };
          const recovered = await recoverPending(sweep, LIVE_COMPLETION_MS);
          debit.open();
          expect(payloadOf(await live).status).toBe('POSTED');
          const moved = [(await inner.getAccount(p.accountId))?.balance, (await inner.getAccount(m))?.balance];
          const expected = claims ? [0, 7_500, 2_500] : [1, 5_000, 5_000];
          expect([when, claims, recovered, ...moved]).toEqual([when, claims, ...expected]);
        }
    },
  );
});

describe('events through the outbox', () => {
  it('queues requested, approved and posted for a payment, each with its own id', async () => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const r = payloadOf(await submitPayment(await p.sign(p.payment(m, 10)), p.token, p.peer, h.deps));
    const events = (await h.store.pendingOutbox(1000)).filter((e) => e.data.transactionId === r.transactionId);
    expect(events.map((e) => e.type)).toEqual(['payment.requested', 'payment.approved', 'payment.posted']);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it(
    'a crash while queueing the final event loses no event: the ' +
      'transfer stays pending and recovery queues it, under one id',
    async () => {
      const inner = memoryLedgerStore();
      let crash = false;
      const crashing: LedgerStore = {
        ...inner,
        addOutbox: async (events) => {
          if (crash && events.some((e) => e.type === 'payment.posted')) throw new Error('process died');
          return inner.addOutbox(events);
        },
      };
      const h = await harness({ store: crashing });
      const p = await h.phone(10_000);
      const m = await h.merchant();
      crash = true;
      await expect(submitPayment(await p.sign(p.payment(m, 10)), p.token, p.peer, h.deps)).rejects.toThrow(
        'process died',
      );
      const [pending] = await inner.listPending();
      crash = false;
      expect(await recoverPending(h.deps)).toBe(1);
      expect((await inner.getTransfer(pending!.id))?.state).toBe('POSTED');
      const finals = (await inner.pendingOutbox(1000)).filter(
        (e) => e.data.transactionId === pending!.id && e.type === 'payment.posted',
      );
      expect(finals.map((e) => e.id)).toEqual([finalEventId(pending!.id)]);
    },
  );

  it('queues payment.declined when risk declines', async () => {
    const h = await harness();
    h.risk.answer = async () => ({ decision: 'DECLINE', ruleIds: ['x'], reason: 'no' });
    const p = await h.phone(10_000);
    const m = await h.merchant();
    const r = payloadOf(await submitPayment(await p.sign(p.payment(m, 10)), p.token, p.peer, h.deps));
    expect([r.status, r.code]).toEqual(['DECLINED', 'RISK_DECLINED']);
    expect(
      (await h.store.pendingOutbox(1000)).filter((e) => e.data.transactionId === r.transactionId).map((e) => e.type),
    ).toEqual(['payment.requested', 'payment.declined']);
  });
});
