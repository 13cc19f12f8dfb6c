import { DEVICE_TOPIC, handles } from '../../../../contracts/events.js';
import type { EventBus } from '../../../../kit/src/events.js';

const CHANGES = handles('device.attested', 'device.revoked', 'device.reverified');

/**
 * Forgets a device's remembered standing when its lifecycle changes, so a revocation reaches the
 * next authorization as soon as its event is delivered (the cache's max age bounds it otherwise).
 */
export async function forgetStandingOnDeviceEvents(bus: EventBus, forget: (deviceId: string) => void): Promise<void> {
  // Every replica keeps its own cache, so every replica hears every device event.
  await bus.subscribe(
    DEVICE_TOPIC,
    'transaction-device-standing',
    async (e) => {
      if (CHANGES.has(e.type)) forget(String(e.data.deviceId ?? e.key));
    },
    { everyProcess: true },
  );
}
