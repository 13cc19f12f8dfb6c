import type { DeviceStore, FeatureStore, LineStore, PartyStore } from '../store/ports.js';
import type { PaymentData, RiskEvent } from './events.js';
import { atomicReservations, type Reservations } from './reserve.js';
import {
  addEntry,
  applyDeviceEvent,
  emptyDevice,
  emptyParty,
  payeeKey,
  payerKey,
  postedEntry,
  type DeviceFeatures,
} from './features.js';

/** Adds a posted payment to its device, payer and payee documents: three reads, then three writes, at once. */
async function addPosted(store: PartyStore & DeviceStore, data: PaymentData, atMs: number): Promise<void> {
  const entry = postedEntry(data, atMs);
  const keys = [payerKey(data.payer), payeeKey(data.payee)];
  const [device, ...parties] = await Promise.all([
    store.getDevice(data.deviceId),
    ...keys.map((k) => store.getParty(k)),
  ]);
  const d = device ?? emptyDevice(data.deviceId);
  await Promise.all([
    store.putDevice({ ...d, payments: addEntry(d.payments, entry) }),
    ...parties.map((p, i) => {
      const doc = p ?? emptyParty(keys[i]!);
      return store.putParty({ ...doc, payments: addEntry(doc.payments, entry) });
    }),
  ]);
}

/**
 * Binds a phone number to the device that reported it; a number that was bound to another device
 * has moved, which marks both devices (the one that lost it and the one that has it now).
 */
async function bindNumber(
  store: LineStore & DeviceStore,
  device: DeviceFeatures,
  msisdn: string,
  atMs: number,
): Promise<DeviceFeatures> {
  const line = await store.getLine(msisdn);
  if (line?.deviceId === device.deviceId) return device;
  await store.putLine({ msisdn, deviceId: device.deviceId, atMs });
  if (!line) return device;
  const previous = await store.getDevice(line.deviceId);
  if (previous) await store.putDevice({ ...previous, numberMovedMs: Math.max(previous.numberMovedMs ?? 0, atMs) });
  return { ...device, numberMovedMs: Math.max(device.numberMovedMs ?? 0, atMs) };
}

/**
 * Folds one event into the feature documents it touches, and confirms or releases the payment's
 * reservation. Each update is idempotent by event or transaction id, so a crash between updates and
 * a redelivery cannot count twice.
 */
export async function learn(
  store: FeatureStore,
  e: RiskEvent,
  reservations: Reservations = atomicReservations(store),
): Promise<void> {
  if (e.kind === 'release') {
    await reservations.release(e.transactionId);
    return;
  }
  if (e.kind === 'network') {
    const line = await store.getLine(e.msisdn);
    const device = line && (await store.getDevice(line.deviceId));
    if (device) await store.putDevice({ ...device, simSwappedMs: Math.max(device.simSwappedMs ?? 0, e.atMs) });
    return;
  }
  if (e.kind === 'device') {
    const device = (await store.getDevice(e.data.deviceId)) ?? emptyDevice(e.data.deviceId);
    const next = applyDeviceEvent(device, e.id, e.type, e.data, e.atMs);
    await store.putDevice(e.data.msisdn ? await bindNumber(store, next, e.data.msisdn, e.atMs) : next);
    return;
  }
  await Promise.all([addPosted(store, e.data, e.atMs), reservations.confirm(e.data.transactionId)]);
}
