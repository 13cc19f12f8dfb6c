import type { AttestationStore } from '../store/ports.js';
import type { DeviceEvents } from './events.js';
import { operatorView, reinstatedDevice, revokedDevice, updateDevice } from './registry.js';

/** Operator revocation of a device: stored as REVOKED and announced as `device.revoked`. */
export async function revokeDevice(
  deviceId: string,
  reason: string,
  deps: { store: AttestationStore; events: DeviceEvents; now: () => number },
) {
  const { device } = (await updateDevice(deps.store, deviceId, (prior) => ({
    device: revokedDevice(prior, reason, deps.now()),
  })))!;
  await deps.events.revoked({
    deviceId,
    scope: 'device',
    keyThumbprints: [device.keyThumbprint, ...device.revokedKeyThumbprints],
    reason,
  });
  return operatorView(device);
}

/**
 * Operator reinstatement (re-verification) of a device: a revoked device may enroll again (its old
 * tokens stay refused), and `device.reverified` tells risk to lift a key-replaced hold.
 */
export async function reinstateDevice(
  deviceId: string,
  reason: string,
  deps: { store: AttestationStore; events: DeviceEvents; now: () => number },
) {
  const { device } = (await updateDevice(deps.store, deviceId, (prior) => ({
    device: reinstatedDevice(prior, reason, deps.now()),
  })))!;
  await deps.events.reverified({ deviceId, reason });
  return operatorView(device);
}
