import { describe, expect, it } from 'vitest';
import { memoryBus, type BusEvent } from '../../../kit/src/events.js';
import { createLogger } from '../../../kit/src/log.js';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC } from '../../../contracts/events.js';
import { subscribeFeatures } from '../../../services/risk/src/events/consumer.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import { DAY, NOW, payment } from './fixtures.js';

const rules = loadRules('config/risk-rules.json', 0);
const log = createLogger('risk-test', 'silent');

describe('key replacement (same IMEI, second eSE key): payments held until an operator re-verifies the device', () => {
  it(
    'declines after a key revocation even once the new ' + 'key attests, and approves after device.reverified',
    async () => {
      const bus = memoryBus();
      const store = memoryFeatureStore();
      await subscribeFeatures(bus, store, log);
      let n = 0;
      const device = (type: string, atMs: number, data: Record<string, unknown> = {}) =>
        bus.publish(DEVICE_TOPIC, [
          { id: `k${++n}`, type, key: 'dev-1', atMs, data: { deviceId: 'dev-1', ...data } } satisfies BusEvent,
        ]);
      const pay = (atMs: number) => decide(payment(1_000, 'HIGH', { transactionId: `tx-${atMs}` }), store, rules, atMs);
      await device('device.attested', NOW - 30 * DAY, { tier: 'HIGH', reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH'] });
      expect((await pay(NOW - 3 * DAY)).decision).toBe('APPROVE');
      await device('device.revoked', NOW - 2 * DAY, { scope: 'key', reason: 'KEY_REPLACED' });
      await device('device.attested', NOW - 2 * DAY, {
        tier: 'HIGH',
        reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH', 'KEY_REPLACED'],
      });
      await device('device.attested', NOW - DAY, { tier: 'HIGH', reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH'] });
      const held = await pay(NOW - DAY + 60_000);
      expect([held.decision, held.ruleIds]).toEqual(['DECLINE', ['device.keyReplaced']]);
      await device('device.reverified', NOW - DAY + 120_000);
      expect((await pay(NOW)).ruleIds).toEqual([]);
    },
  );
});
