import { randomUUID } from 'node:crypto';
import type { BusEvent, EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { DEVICE_TOPIC, type DeviceEvents } from '../domain/events.js';

/**
 * Publishes device events on `dfs.device.v1`, keyed by device id. Never carries the IMEI, the
 * serial or the wallet; a bus failure is logged and does not undo the attestation (no outbox yet).
 */
export function busDeviceEvents(bus: EventBus, log: Logger, now: () => number = Date.now): DeviceEvents {
  const publish = async (type: string, key: string, data: Record<string, unknown>) => {
    const event: BusEvent = { id: randomUUID(), type, key, atMs: now(), data };
    try {
      await bus.publish(DEVICE_TOPIC, [event]);
    } catch (err) {
      log.error({ err, type, eventId: event.id }, 'device event not published');
    }
  };
  return {
    attested: (d, replacedKey) => publish('device.attested', d.deviceId, {
      deviceId: d.deviceId, model: d.model, tier: d.tier, reasons: d.reasons, securityLevel: d.securityLevel, patchLevel: d.patchLevel,
      keyThumbprint: d.keyThumbprint, policyVersion: d.policyVersion, ...(replacedKey ? { replacedKeyThumbprint: replacedKey } : {}),
    }),
    rejected: (r) => publish('device.rejected', r.deviceId ?? 'unknown', { ...r }),
    revoked: (r) => publish('device.revoked', r.deviceId, { ...r }),
    reverified: (r) => publish('device.reverified', r.deviceId, { ...r }),
  };
}
