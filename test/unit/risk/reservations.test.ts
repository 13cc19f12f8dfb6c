import { describe, expect, it } from 'vitest';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../contracts/events.js';
import { ingest } from '../../../services/risk/src/events/consumer.js';
import { atomicReservations, windowClaims } from '../../../services/risk/src/domain/reserve.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import { DAY, NOW, payment } from './fixtures.js';

const rules = loadRules('config/risk-rules.json');
const HIGH_DAY = rules.rules.tiers.HIGH.maxPerDay;

async function attested() {
  const store = memoryFeatureStore();
  await ingest(store, DEVICE_TOPIC, {
    id: 'att',
    type: 'device.attested',
    key: 'dev-1',
    atMs: NOW - 30 * DAY,
    data: { deviceId: 'dev-1', tier: 'HIGH', reasons: [] },
  });
  return store;
}
const event = (type: string, transactionId: string, extra: Record<string, unknown> = {}) => ({
  id: `${type}-${transactionId}`,
  type,
  key: 'wallet-1',
  atMs: NOW,
  data: {
    transactionId,
    kind: 'payment',
    deviceId: 'dev-1',
    payer: 'wallet-1',
    payee: 'merchant-1',
    amount: 400_000,
    currency: 'KES',
    ...extra,
  },
});

describe(
  'reservations: held at decision time, confirmed by posting, ' +
    'released once by a payment that did not post or was reversed',
  () => {
    it(
      'a payment that fits is reserved and the trail shows the window ' +
        'totals; the next one past the day limit is declined by limits.reserve',
      async () => {
        const store = await attested();
        const first = await decide(payment(400_000, 'HIGH', { transactionId: 't1' }), store, rules, NOW);
        expect(first.limits?.reserved).toBe(true);
        expect(first.limits?.windows.find((w) => w.window === 'device.day')).toMatchObject({
          amount: 400_000,
          count: 1,
          maxAmount: HIGH_DAY,
        });
        const second = await decide(payment(400_000, 'HIGH', { transactionId: 't2' }), store, rules, NOW + 1);
        expect(second).toMatchObject({ decision: 'DECLINE' });
        expect(second.ruleIds).toContain('limits.reserve');
        expect(second.limits).toMatchObject({ reserved: false, refused: 'device.velocity' });
      },
    );

    it(
      'payment.declined releases the reservation exactly once, even redelivered ' +
        'under a new event id; posted confirms and a reversal then releases',
      async () => {
        const store = await attested();
        const key = (
          await decide(payment(400_000, 'HIGH', { transactionId: 't1' }), store, rules, NOW)
        ).limits!.windows.find((w) => w.window === 'device.day')!.key;
        await decide(payment(50_000, 'HIGH', { transactionId: 't2' }), store, rules, NOW);
        expect(await store.getWindow(key)).toEqual({ amount: 450_000, count: 2 });
        await ingest(store, PAYMENT_TOPIC, event('payment.declined', 't1'));
        await ingest(store, PAYMENT_TOPIC, { ...event('payment.declined', 't1'), id: 'again' });
        await ingest(store, PAYMENT_TOPIC, event('payment.failed', 't1'));
        expect(await store.getWindow(key)).toEqual({ amount: 50_000, count: 1 });
        await ingest(store, PAYMENT_TOPIC, event('payment.posted', 't2', { amount: 50_000 }));
        expect(await store.getReservation('t2')).toMatchObject({ state: 'CONFIRMED' });
        expect(await store.getWindow(key)).toEqual({ amount: 50_000, count: 1 });
        await ingest(
          store,
          PAYMENT_TOPIC,
          event('payment.reversed', 'r1', { kind: 'reversal', originalId: 't2', amount: 50_000 }),
        );
        expect(await store.getWindow(key)).toEqual({ amount: 0, count: 0 });
      },
    );

    it('a first decision reads no earlier hold; decided again, it finds its hold and takes nothing more', async () => {
      const store = await attested();
      let reads = 0;
      const counted = { ...store, getReservation: (id: string) => (reads++, store.getReservation(id)) };
      const first = await decide(payment(400_000, 'HIGH', { transactionId: 't1' }), counted, rules, NOW);
      expect(first.limits?.reserved).toBe(true);
      expect(reads).toBe(0);
      // The same payment decided again as a first decision (a retried request): its windows would refuse
      // a second 400,000, and the refusal finds the payment's own hold instead of declining it.
      const facts = payment(400_000, 'HIGH', { transactionId: 't1' });
      const claims = windowClaims(facts, 'HIGH', rules.rules, NOW + 1);
      const again = await atomicReservations(counted).reserve('t1', 400_000, claims, NOW + 1, false);
      expect(again).toMatchObject({ reserved: true, heldSinceMs: NOW });
      expect(reads).toBe(1);
      const day = first.limits!.windows.find((w) => w.window === 'device.day')!.key;
      expect(await store.getWindow(day)).toEqual({ amount: 400_000, count: 1 });
    });

    it('a declined decision reserves nothing', async () => {
      const store = await attested();
      const declined = await decide(
        payment(rules.rules.tiers.HIGH.maxPerPayment + 1, 'HIGH', { transactionId: 'big' }),
        store,
        rules,
        NOW,
      );
      expect(declined.decision).toBe('DECLINE');
      expect(declined.limits).toBeUndefined();
      expect(await store.getReservation('big')).toBeNull();
    });
  },
);

describe('reservations across the two decisions of a stepped-up payment', () => {
  const AMOUNT = 300_000;
  const VELOCITY = rules.rules.rules['velocity.device'].maxAmount;

  it(
    'the decision at the step-up stage finds the payment already held and takes ' +
      'nothing more, so a payment over half a window is approved once confirmed',
    async () => {
      expect(AMOUNT).toBeGreaterThan(rules.rules.tiers.HIGH.stepUpAbove);
      expect(2 * AMOUNT).toBeGreaterThan(VELOCITY);
      const store = await attested();
      const held = await decide(payment(AMOUNT, 'HIGH', { transactionId: 's1' }), store, rules, NOW);
      expect(held).toMatchObject({ decision: 'STEP_UP', stage: 'payment', limits: { reserved: true } });
      const key = held.limits!.windows.find((w) => w.window === 'device.velocity')!.key;
      expect(await store.getWindow(key)).toEqual({ amount: AMOUNT, count: 1 });

      const confirmed = await decide(
        payment(AMOUNT, 'HIGH', { transactionId: 's1', stage: 'step-up' }),
        store,
        rules,
        NOW + 1,
      );
      expect(confirmed).toMatchObject({
        decision: 'APPROVE',
        stage: 'step-up',
        limits: { reserved: true, heldSinceMs: NOW },
      });
      expect(confirmed.ruleIds).not.toContain('limits.reserve');
      expect(confirmed.limits!.windows.find((w) => w.window === 'device.velocity')).toMatchObject({
        amount: AMOUNT,
        count: 1,
      });
      expect(await store.getWindow(key)).toEqual({ amount: AMOUNT, count: 1 });
      expect(await store.getDecision('s1')).toMatchObject({ decision: 'STEP_UP', limits: { reserved: true } });
      expect(await store.getDecision('s1', 'step-up')).toMatchObject({
        decision: 'APPROVE',
        limits: { reserved: true },
      });

      await ingest(store, PAYMENT_TOPIC, event('payment.posted', 's1', { amount: AMOUNT }));
      expect(await store.getReservation('s1')).toMatchObject({ state: 'CONFIRMED' });
      expect(await store.getWindow(key)).toEqual({ amount: AMOUNT, count: 1 });
    },
  );

  it('a step-up confirmed and then declined by a veto releases the one reservation once', async () => {
    const store = await attested();
    const held = await decide(payment(AMOUNT, 'HIGH', { transactionId: 's2' }), store, rules, NOW);
    const key = held.limits!.windows.find((w) => w.window === 'device.day')!.key;
    await ingest(store, DEVICE_TOPIC, {
      id: 'locked',
      type: 'device.pin_locked',
      key: 'dev-1',
      atMs: NOW + 1,
      data: { deviceId: 'dev-1' },
    });
    const declined = await decide(
      payment(AMOUNT, 'HIGH', { transactionId: 's2', stage: 'step-up' }),
      store,
      rules,
      NOW + 2,
    );
    expect(declined).toMatchObject({ decision: 'DECLINE', stage: 'step-up' });
    expect(declined.ruleIds).toContain('pin.locked');
    expect(await store.getWindow(key)).toEqual({ amount: AMOUNT, count: 1 });
    await ingest(store, PAYMENT_TOPIC, event('payment.declined', 's2'));
    expect(await store.getWindow(key)).toEqual({ amount: 0, count: 0 });
  });
});

describe('reservations: a decision whose store fails holds nothing it took', () => {
  it('gives back the windows taken when another window take fails, then reports the failure', async () => {
    const store = await attested();
    const facts = payment(400_000, 'HIGH', { transactionId: 'f1' });
    const claims = windowClaims(facts, 'HIGH', rules.rules, NOW);
    expect(claims.length).toBeGreaterThan(1);
    const broken = claims[claims.length - 1]!.key;
    const failing = {
      ...store,
      reserveWindow: (key: string, ...rest: [number, number, number, number]) =>
        key === broken ? Promise.reject(new Error('store failed over')) : store.reserveWindow(key, ...rest),
    };
    await expect(atomicReservations(failing).reserve('f1', 400_000, claims, NOW)).rejects.toThrow('store failed over');
    const nothing = { amount: 0, count: 0 };
    for (const c of claims) expect([c.window, (await store.getWindow(c.key)) ?? nothing]).toEqual([c.window, nothing]);
    // The same decision once the store is back takes every window once.
    expect(await atomicReservations(store).reserve('f1', 400_000, claims, NOW)).toMatchObject({ reserved: true });
    for (const c of claims) expect(await store.getWindow(c.key)).toEqual({ amount: 400_000, count: 1 });
  });
});
