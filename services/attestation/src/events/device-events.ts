import { buildEvent, DEVICE_TOPIC, type CatalogEvent } from '../../../../contracts/events.js';
import type { EventBus } from '../../../../kit/src/events.js';
import { sha256b64url } from '../../../../kit/src/jws.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { DeviceEvents } from '../domain/events.js';

/**
 * Publishes device events on `dfs.device.v1`, keyed by device id, built through the event catalog
 * (contracts/events.ts). Never carries the IMEI, the serial or the wallet; `device.attested` carries
 * the SHA-256 of the attested IMEI (`imeiHash`, base64url like the phone's `imsiHash`; no more than the
 * device id, itself derived from the IMEI, already reveals), from which risk tells a number carried
 * to another handset (`sim.imsiImeiChanged`). A bus failure is logged and does not undo the
 * attestation (no outbox yet).
 */
export function busDeviceEvents(bus: EventBus, log: Logger, now: () => number = Date.now): DeviceEvents {
  const publish = async ({ topic: _topic, ...event }: CatalogEvent) => {
    try {
      await bus.publish(DEVICE_TOPIC, [event]);
    } catch (err) {
      log.error({ err, type: event.type, eventId: event.id }, 'device event not published');
    }
  };
  return {
    attested: (d, replacedKey) =>
      publish(
        buildEvent('device.attested', d.deviceId, now(), {
          deviceId: d.deviceId,
          model: d.model,
          tier: d.tier,
          reasons: d.reasons,
          securityLevel: d.securityLevel,
          patchLevel: d.patchLevel,
          keyThumbprint: d.keyThumbprint,
          policyVersion: d.policyVersion,
          imeiHash: sha256b64url(d.imei),
          ...(replacedKey ? { replacedKeyThumbprint: replacedKey } : {}),
        }),
      ),
    rejected: (r) => publish(buildEvent('device.rejected', r.deviceId ?? 'unknown', now(), { ...r })),
    revoked: (r) => publish(buildEvent('device.revoked', r.deviceId, now(), { ...r })),
    reverified: (r) => publish(buildEvent('device.reverified', r.deviceId, now(), { ...r })),
  };
}
