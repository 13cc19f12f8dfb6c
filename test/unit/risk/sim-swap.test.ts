import { describe, expect, it } from 'vitest';
import { memoryBus, type BusEvent } from '../../../kit/src/events.js';
import { createLogger } from '../../../kit/src/log.js';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../contracts/events.js';
import { ingest, subscribeFeatures } from '../../../services/risk/src/events/consumer.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import { DAY, NOW, payment } from './fixtures.js';

const rules = loadRules('config/risk-rules.json', 0);
const M = '+254712345678';
const log = createLogger('risk-test', 'silent');

async function world() {
  const bus = memoryBus();
  const store = memoryFeatureStore();
  await subscribeFeatures(bus, store, log);
  let n = 0;
  const device = (type: string, atMs: number, data: Record<string, unknown> = {}, deviceId = 'dev-1') =>
    bus.publish(DEVICE_TOPIC, [
      { id: `d${++n}`, type, key: deviceId, atMs, data: { deviceId, ...data } } satisfies BusEvent,
    ]);
  const pay = (atMs: number, deviceId = 'dev-1') =>
    decide(payment(1_000, 'HIGH', { deviceId, transactionId: `tx-${deviceId}-${atMs}` }), store, rules, atMs);
  await device('device.attested', NOW - 30 * DAY, {
    tier: 'HIGH',
    reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH'],
    imeiHash: 'imei-1',
  });
  await device('device.sim_changed', NOW - 29 * DAY, { msisdn: M, imsiHash: 'imsi-A' });
  for (let i = 0; i < 3; i++) {
    await bus.publish(PAYMENT_TOPIC, [
      {
        id: `p${i}`,
        type: 'payment.posted',
        key: 'wallet-1',
        atMs: NOW - (10 - i) * DAY,
        data: {
          transactionId: `old-${i}`,
          deviceId: 'dev-1',
          payer: 'wallet-1',
          payee: 'merchant-1',
          amount: 1_000,
          currency: 'KES',
        },
      },
    ]);
  }
  return { device, pay, store };
}

describe('SIM swap (DFS security assurance framework: an IMSI change holds the account until re-verified)', () => {
  it('approves before the swap, steps up after an IMSI change until re-verification, then approves again', async () => {
    const w = await world();
    expect((await w.pay(NOW - 3 * DAY)).decision).toBe('APPROVE');
    await w.device('device.sim_changed', NOW - 2 * DAY, { imsiHash: 'imsi-B' });
    const held = await w.pay(NOW - 2 * DAY + 60_000);
    expect([held.decision, held.ruleIds]).toEqual(['STEP_UP', ['sim.imsiChanged']]);
    expect((await w.pay(NOW - DAY)).decision).toBe('STEP_UP');
    await w.device('device.reverified', NOW - DAY + 1);
    const after = await w.pay(NOW - DAY + 60_000);
    expect([after.decision, after.ruleIds]).toEqual(['APPROVE', []]);
  });

  /** dev-1's number, reported by a second handset (dev-2, attested with `imeiHash`) with SIM `imsiHash`. */
  async function carried(imsiHash: string, imeiHash: string | undefined, atMs = NOW - 60_000) {
    const w = await world();
    const attested = { tier: 'HIGH', reasons: [], ...(imeiHash ? { imeiHash } : {}) };
    await w.device('device.attested', NOW - 20 * DAY, attested, 'dev-2');
    await w.device('device.sim_changed', atMs, { msisdn: M, imsiHash }, 'dev-2');
    return w;
  }

  it(
    'a number carried to another attested handset with another SIM (IMSI and IMEI both ' +
      'changed) declines there with a higher score than a new SIM in the same handset',
    async () => {
      const imsiOnly = await world();
      await imsiOnly.device('device.sim_changed', NOW - 60_000, { imsiHash: 'imsi-B' });
      const weak = await imsiOnly.pay(NOW);
      const strong = await (await carried('imsi-B', 'imei-2')).pay(NOW, 'dev-2');
      expect([strong.decision, strong.ruleIds]).toEqual(['DECLINE', ['sim.imsiImeiChanged', 'sim.numberMoved']]);
      expect(strong.score).toBeGreaterThan(weak.score);
      expect([weak.decision, weak.ruleIds]).toEqual(['STEP_UP', ['sim.imsiChanged']]);
    },
  );

  it(
    'the handset change comes only from attested IMEI hashes: the same SIM in another handset, ' +
      'a handset attested without one, or an imeiHash on the SIM report itself is no IMEI change',
    async () => {
      const sameSim = await (await carried('imsi-A', 'imei-2')).pay(NOW, 'dev-2');
      expect([sameSim.decision, sameSim.ruleIds]).toEqual(['STEP_UP', ['sim.numberMoved']]);
      const unattested = await (await carried('imsi-B', undefined)).pay(NOW, 'dev-2');
      expect([unattested.decision, unattested.ruleIds]).toEqual(['STEP_UP', ['sim.numberMoved']]);
      const claimed = await world();
      await claimed.device('device.sim_changed', NOW - 60_000, { imsiHash: 'imsi-B', imeiHash: 'imei-2' });
      expect((await claimed.pay(NOW)).ruleIds).toEqual(['sim.imsiChanged']);
    },
  );

  it('a fresh attestation does not lift an IMSI and IMEI change; an operator re-verification does', async () => {
    const w = await carried('imsi-B', 'imei-2');
    await w.device('device.attested', NOW - 30_000, { tier: 'HIGH', reasons: [], imeiHash: 'imei-2' }, 'dev-2');
    await w.device('device.sim_changed', NOW - 20_000, { imsiHash: 'imsi-C' }, 'dev-2');
    expect((await w.pay(NOW, 'dev-2')).ruleIds).toEqual(['sim.imsiChanged', 'sim.imsiImeiChanged', 'sim.numberMoved']);
    await w.device('device.reverified', NOW + 1, {}, 'dev-2');
    expect((await w.pay(NOW + 2, 'dev-2')).ruleIds).toEqual([]);
  });

  it('a fresh attestation re-verifies an IMSI change; a SIM event for the same SIM changes nothing', async () => {
    const w = await world();
    await w.device('device.sim_changed', NOW - 2 * 60_000, { imsiHash: 'imsi-B' });
    expect((await w.pay(NOW - 60_000)).decision).toBe('STEP_UP');
    await w.device('device.attested', NOW - 30_000, { tier: 'HIGH', reasons: [] });
    expect((await w.pay(NOW)).decision).toBe('APPROVE');
    await w.device('device.sim_changed', NOW + 1, { imsiHash: 'imsi-B' });
    expect((await w.pay(NOW + 60_000)).decision).toBe('APPROVE');
  });

  it(
    'holds an unverified SIM change for the holdSec of its ' + 'rule (rules file data), then lets payments through',
    async () => {
      const hold = (id: 'sim.imsiChanged' | 'sim.imsiImeiChanged') => rules.rules.rules[id].holdSec * 1000;
      const imsiOnly = await world();
      await imsiOnly.device('device.sim_changed', NOW, { imsiHash: 'imsi-B' });
      expect((await imsiOnly.pay(NOW + hold('sim.imsiChanged') - 1)).ruleIds).toEqual(['sim.imsiChanged']);
      expect((await imsiOnly.pay(NOW + hold('sim.imsiChanged'))).ruleIds).toEqual([]);
      const both = await carried('imsi-B', 'imei-2', NOW);
      expect((await both.pay(NOW + hold('sim.imsiImeiChanged') - 1, 'dev-2')).decision).toBe('DECLINE');
      expect((await both.pay(NOW + hold('sim.imsiImeiChanged'), 'dev-2')).ruleIds).toEqual([]);
    },
  );

  it(
    'a payment decided before the swap event time is not ' + 'affected by it (decisions depend on `now`, not arrival)',
    async () => {
      const w = await world();
      await w.device('device.sim_changed', NOW, { imsiHash: 'imsi-B' });
      expect((await w.pay(NOW - 1)).decision).toBe('APPROVE');
      expect((await w.pay(NOW)).decision).toBe('STEP_UP');
    },
  );
});

describe('a number carried to another handset keeps its evidence when its event is delivered again', () => {
  it('the line moved, then the new device failed to update: the retry still marks both devices', async () => {
    const store = memoryFeatureStore();
    let failOnce = true;
    const flaky = {
      ...store,
      changeDevice: (deviceId: string, change: Parameters<typeof store.changeDevice>[1]) => {
        if (deviceId === 'dev-2' && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('store failed over'));
        }
        return store.changeDevice(deviceId, change);
      },
    };
    const event = (id: string, deviceId: string, type: string, atMs: number, data: Record<string, unknown>) =>
      ({ id, type, key: deviceId, atMs, data: { deviceId, ...data } }) satisfies BusEvent;
    const attested = (deviceId: string, imeiHash: string) =>
      event(`att-${deviceId}`, deviceId, 'device.attested', NOW - 20 * DAY, { tier: 'HIGH', reasons: [], imeiHash });
    await ingest(store, DEVICE_TOPIC, attested('dev-1', 'imei-1'));
    await ingest(
      store,
      DEVICE_TOPIC,
      event('sim-1', 'dev-1', 'device.sim_changed', NOW - 19 * DAY, { msisdn: M, imsiHash: 'imsi-A' }),
    );
    failOnce = false;
    await ingest(store, DEVICE_TOPIC, attested('dev-2', 'imei-2'));
    failOnce = true;
    const takeover = event('sim-2', 'dev-2', 'device.sim_changed', NOW - 60_000, { msisdn: M, imsiHash: 'imsi-B' });
    await expect(ingest(flaky, DEVICE_TOPIC, takeover)).rejects.toThrow('store failed over');
    expect((await store.getLine(M))?.deviceId).toBe('dev-2');
    expect(await ingest(flaky, DEVICE_TOPIC, takeover)).toBe(true);
    expect(await store.getDevice('dev-2')).toMatchObject({
      numberMovedMs: NOW - 60_000,
      handsetChangedMs: NOW - 60_000,
    });
    expect(await store.getDevice('dev-1')).toMatchObject({ numberMovedMs: NOW - 60_000 });
    const held = await decide(
      payment(1_000, 'HIGH', { deviceId: 'dev-2', transactionId: 'tx-after' }),
      store,
      rules,
      NOW,
    );
    expect(held.ruleIds).toContain('sim.imsiImeiChanged');
  });
});
