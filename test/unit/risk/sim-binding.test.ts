import { describe, expect, it } from 'vitest';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC } from '../../../contracts/events.js';
import { ingest } from '../../../services/risk/src/events/consumer.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import { DAY, NOW, payment } from './fixtures.js';

const rules = loadRules('config/risk-rules.json');
const M = '+254712345678';
let n = 0;
const ev = (type: string, atMs: number, data: Record<string, unknown>) => ({
  id: `e${++n}`,
  type,
  key: String(data.deviceId ?? data.msisdn),
  atMs,
  data,
});

async function twoDevices() {
  const store = memoryFeatureStore();
  for (const d of ['dev-1', 'dev-2'])
    await ingest(
      store,
      DEVICE_TOPIC,
      ev('device.attested', NOW - 30 * DAY, { deviceId: d, tier: 'HIGH', reasons: [] }),
    );
  await ingest(
    store,
    DEVICE_TOPIC,
    ev('device.sim_changed', NOW - 10 * DAY, { deviceId: 'dev-1', msisdn: M, imsiHash: 'imsi-1' }),
  );
  return store;
}
const ask = (
  store: ReturnType<typeof memoryFeatureStore>,
  deviceId: string,
  minor = 1_000,
  operator?: Parameters<typeof decide>[5],
) => decide(payment(minor, 'HIGH', { deviceId, transactionId: `t${++n}` }), store, rules, NOW, undefined, operator);

describe('the phone number bound to a device: first report binds, a move or an operator swap holds payments', () => {
  it('the first SIM report binds the number without a hold', async () => {
    const store = await twoDevices();
    expect((await ask(store, 'dev-1')).ruleIds).toEqual([]);
    expect(await store.getLine(M)).toMatchObject({ deviceId: 'dev-1' });
  });

  it('the same number reported by another device holds both devices (sim.numberMoved) for holdSec', async () => {
    const store = await twoDevices();
    await ingest(
      store,
      DEVICE_TOPIC,
      ev('device.sim_changed', NOW - 60_000, { deviceId: 'dev-2', msisdn: M, imsiHash: 'imsi-9' }),
    );
    for (const d of ['dev-1', 'dev-2'])
      expect(await ask(store, d)).toMatchObject({ decision: 'STEP_UP', ruleIds: ['sim.numberMoved'] });
    const later = await decide(
      payment(1_000, 'HIGH', { deviceId: 'dev-2', transactionId: 'late' }),
      store,
      rules,
      NOW + rules.rules.rules['sim.numberMoved'].holdSec * 1000,
    );
    expect(later.ruleIds).toEqual([]);
  });

  it(
    "the operator's swap event holds the bound device (sim.swapped); " +
      'the CAMARA answer does too above the checked amount',
    async () => {
      const store = await twoDevices();
      await ingest(store, DEVICE_TOPIC, ev('network.sim_swapped', NOW - 60_000, { msisdn: M, change: 'swapped' }));
      expect(await ask(store, 'dev-1')).toMatchObject({ decision: 'STEP_UP', ruleIds: ['sim.swapped'] });
      const fresh = await twoDevices();
      const swapped = { check: async () => ({ swapped: true }) };
      expect((await ask(fresh, 'dev-1', 150_000, swapped)).ruleIds).toContain('sim.swapped');
      expect((await ask(fresh, 'dev-1', 50_000, swapped)).ruleIds).not.toContain('sim.swapped');
      const down = {
        check: async () => {
          throw Object.assign(new Error('down'), { code: 'SIM_SWAP_CHECK_UNAVAILABLE' });
        },
      };
      expect(await ask(fresh, 'dev-1', 150_000, down)).toMatchObject({
        decision: 'DECLINE',
        code: 'SIM_SWAP_CHECK_UNAVAILABLE',
      });
    },
  );
});
