import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../../kit/src/events.js';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../contracts/events.js';
import { payeeKey, payerKey } from '../../../services/risk/src/domain/features.js';
import { ingest } from '../../../services/risk/src/events/consumer.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import type { FeatureStore } from '../../../services/risk/src/store/ports.js';
import { DAY, NOW, payment } from './fixtures.js';

type Delivery = { topic: string; e: BusEvent };

/** A fixed pseudo-random event log: attestations, SIM changes, PIN failures and posted payments. */
function eventLog(): Delivery[] {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const devices = ['dev-1', 'dev-2', 'dev-3'];
  const log: Delivery[] = devices.map((d, i) => ({
    topic: DEVICE_TOPIC,
    e: {
      id: `att-${d}`,
      type: 'device.attested',
      key: d,
      atMs: NOW - 5 * DAY + i,
      data: {
        deviceId: d,
        tier: ['HIGH', 'STANDARD', 'LOW'][i],
        reasons: i === 1 ? ['PATCH_BEHIND'] : [],
        imsiHash: `imsi-${d}`,
        imeiHash: `imei-${d}`,
      },
    },
  }));
  let t = NOW - 4 * DAY;
  for (let i = 0; i < 400; i++) {
    t += 1 + rnd(20 * 60_000);
    const d = devices[rnd(3)]!;
    const k = rnd(20);
    if (k === 0)
      log.push({
        topic: DEVICE_TOPIC,
        e: {
          id: `sim-${i}`,
          type: 'device.sim_changed',
          key: d,
          atMs: t,
          data: { deviceId: d, imsiHash: `imsi-${i}`, imeiHash: rnd(2) ? `imei-${d}` : `imei-${i}` },
        },
      });
    else if (k === 1)
      log.push({
        topic: DEVICE_TOPIC,
        e: { id: `pin-${i}`, type: 'device.pin_failed', key: d, atMs: t, data: { deviceId: d } },
      });
    else if (k === 2)
      log.push({
        topic: DEVICE_TOPIC,
        e: { id: `rev-${i}`, type: 'device.reverified', key: d, atMs: t, data: { deviceId: d } },
      });
    else {
      const payer = `wallet-${d}`;
      const type = k === 3 ? 'payment.declined' : 'payment.posted';
      log.push({
        topic: PAYMENT_TOPIC,
        e: {
          id: `pay-${i}`,
          type,
          key: payer,
          atMs: t,
          data: {
            transactionId: `tx-${i}`,
            deviceId: d,
            payer,
            payee: `merchant-${rnd(4)}`,
            amount: 100 + rnd(9_000),
            currency: 'KES',
          },
        },
      });
    }
  }
  return log;
}

/** Feeds deliveries one by one, the wall clock set somewhere else each time. */
async function feed(store: FeatureStore, deliveries: Delivery[], clock: number): Promise<void> {
  vi.setSystemTime(clock);
  for (const d of deliveries) await ingest(store, d.topic, structuredClone(d.e));
}

async function snapshot(store: FeatureStore, log: Delivery[]) {
  const ids = [...new Set(log.map((d) => d.e.data.deviceId as string))].sort();
  const payers = [
    ...new Set(
      log.flatMap((d) =>
        d.e.data.payer ? [payerKey(d.e.data.payer as string), payeeKey(d.e.data.payee as string)] : [],
      ),
    ),
  ].sort();
  const features = {
    devices: await Promise.all(ids.map((id) => store.getDevice(id))),
    parties: await Promise.all(payers.map((k) => store.getParty(k))),
  };
  const rules = loadRules('config/risk-rules.json', 0);
  const end = Math.max(...log.map((d) => d.e.atMs));
  const decisions = [];
  for (const id of ids) {
    for (const [at, amount] of [
      [end, 1_000],
      [end - DAY, 30_000],
      [end + 3_600_000, 4_000],
      [NOW - 3 * DAY, 20_000],
    ] as const) {
      decisions.push(
        await decide(
          payment(amount, 'HIGH', {
            deviceId: id,
            payer: `wallet-${id}`,
            payee: 'merchant-0',
            transactionId: `probe-${id}-${at}`,
          }),
          store,
          rules,
          at,
        ),
      );
    }
  }
  return { features, decisions };
}

describe('deterministic replay (features derive from event data and timestamps only)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it(
    'rebuilding twice, with duplicates, and with the whole ' + 'log redelivered gives identical features and decisions',
    async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const log = eventLog();
      const withDuplicates = log
        .flatMap((d, i) => (i % 3 === 0 ? [d, d] : [d]))
        .concat(log.filter((_, i) => i % 7 === 0));

      const once = memoryFeatureStore();
      await feed(once, log, Date.UTC(2030, 0, 1));
      const again = memoryFeatureStore();
      await feed(again, log, Date.UTC(2024, 5, 1));
      const dup = memoryFeatureStore();
      await feed(dup, withDuplicates, Date.UTC(2027, 2, 3));
      const twice = memoryFeatureStore();
      await feed(twice, log, Date.UTC(2026, 0, 1));
      await feed(twice, log, Date.UTC(2031, 0, 1));

      const reference = await snapshot(once, log);
      expect(reference.decisions.map((d) => d.decision)).toContain('APPROVE');
      expect(reference.decisions.some((d) => d.decision !== 'APPROVE')).toBe(true);
      expect(reference.features.devices.every((d) => d && d.payments.length > 10)).toBe(true);
      for (const store of [again, dup, twice]) expect(await snapshot(store, log)).toEqual(reference);
    },
  );

  it(
    'counts a payment once when its event is redelivered, under its own id or a new one ' +
      '(keyed by transaction id, so no seen-id record is kept for it)',
    async () => {
      const store = memoryFeatureStore();
      const e: BusEvent = {
        id: 'a',
        type: 'payment.posted',
        key: 'w',
        atMs: NOW,
        data: { transactionId: 'tx-1', deviceId: 'dev-1', payer: 'w', payee: 'm', amount: 500, currency: 'KES' },
      };
      expect(await ingest(store, PAYMENT_TOPIC, e)).toBe(true);
      expect(await ingest(store, PAYMENT_TOPIC, e)).toBe(true);
      await ingest(store, PAYMENT_TOPIC, { ...e, id: 'b' });
      expect((await store.getDevice('dev-1'))?.payments.map((p) => p.id)).toEqual(['tx-1']);
      expect((await store.getParty(payerKey('w')))?.payments).toHaveLength(1);
      expect((await store.getParty(payeeKey('m')))?.payments).toHaveLength(1);
      expect([await store.seen('a'), await store.seen('b')]).toEqual([false, false]);
    },
  );

  it(
    'skips a malformed event without blocking the stream; ignores ' +
      'other types, funding and refusals before a device is known',
    async () => {
      const store = memoryFeatureStore();
      expect(
        await ingest(store, DEVICE_TOPIC, {
          id: 'x',
          type: 'device.sim_changed',
          key: 'd',
          atMs: NOW,
          data: { deviceId: 'dev-8', imsiHash: 42 },
        }),
      ).toBe(true);
      expect(await store.seen('x')).toBe(true);
      expect(await store.getDevice('dev-8')).toBeNull();
      // Events the risk service does not use are not recorded at all (no store access).
      expect(
        await ingest(store, DEVICE_TOPIC, {
          id: 'z',
          type: 'device.rejected',
          key: 'unknown',
          atMs: NOW,
          data: { codes: ['ATTESTATION_CHAIN_INVALID'] },
        }),
      ).toBe(false);
      expect(await store.seen('z')).toBe(false);
      await ingest(store, PAYMENT_TOPIC, {
        id: 'y',
        type: 'payment.requested',
        key: 'w',
        atMs: NOW,
        data: { transactionId: 't', deviceId: 'dev-9', payer: 'w', payee: 'm', amount: 5, currency: 'KES' },
      });
      expect(await store.getDevice('dev-9')).toBeNull();
      await ingest(store, PAYMENT_TOPIC, {
        id: 'f',
        type: 'payment.posted',
        key: 'treasury',
        atMs: NOW,
        data: {
          transactionId: 'fund',
          kind: 'funding',
          deviceId: 'dev-9',
          payer: 'treasury',
          payee: 'w',
          amount: 5_000_000,
          currency: 'KES',
        },
      });
      expect(await store.getDevice('dev-9')).toBeNull();
      await ingest(store, PAYMENT_TOPIC, {
        id: 'g',
        type: 'payment.posted',
        key: 'w',
        atMs: NOW,
        data: {
          transactionId: 'pay',
          kind: 'payment',
          deviceId: 'dev-9',
          payer: 'w',
          payee: 'm',
          amount: 5,
          currency: 'KES',
        },
      });
      expect((await store.getDevice('dev-9'))?.payments).toHaveLength(1);
    },
  );
});
