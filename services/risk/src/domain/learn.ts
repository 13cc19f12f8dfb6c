import type { DeviceStore, FeatureStore, LineStore, PartyStore } from '../store/ports.js';
import type { PaymentData, RiskEvent } from './events.js';
import { atomicReservations, type Reservations } from './reserve.js';
import {
  addEntry,
  applyDeviceEvent,
  emptyDevice,
  emptyParty,
  numberCarriedOver,
  payeeKey,
  payerKey,
  postedEntry,
  type DeviceFeatures,
  type LineBinding,
  type Posted,
} from './features.js';

/**
 * Adds a posted payment to its device, payer and payee documents, the three at once; a document
 * that already has it (a redelivered outcome) is not written.
 */
async function addPosted(store: PartyStore & DeviceStore, data: PaymentData, atMs: number): Promise<void> {
  const entry = postedEntry(data, atMs);
  const add = <T extends { payments: Posted[] }>(doc: T): T | null =>
    doc.payments.some((p) => p.id === entry.id) ? null : { ...doc, payments: addEntry(doc.payments, entry) };
  await Promise.all([
    store.changeDevice(data.deviceId, (d) => add(d ?? emptyDevice(data.deviceId))),
    ...[payerKey(data.payer), payeeKey(data.payee)].map((k) => store.changeParty(k, (p) => add(p ?? emptyParty(k)))),
  ]);
}

/** A device's number moved at `atMs`: the latest such time is kept. */
const numberMoved = (d: DeviceFeatures, atMs: number): DeviceFeatures => ({
  ...d,
  numberMovedMs: Math.max(d.numberMovedMs ?? 0, atMs),
});

/**
 * Binds a phone number to the device that reported it. When the number was bound to another device,
 * that device is marked as having lost it and is returned as it was (the caller marks the one that
 * has it now and compares the two handsets); null otherwise. The line remembers the device it came
 * from, so that the same event delivered again (a write after the line's failed) finds the move it
 * made instead of a number already bound to this device, and the takeover evidence is not lost.
 */
async function bindNumber(
  store: LineStore & DeviceStore,
  deviceId: string,
  msisdn: string,
  atMs: number,
): Promise<DeviceFeatures | null> {
  const before: { line: LineBinding | null; device: DeviceFeatures | null } = { line: null, device: null };
  await store.changeLine(msisdn, (line) => {
    before.line = line;
    return line?.deviceId === deviceId ? null : { msisdn, deviceId, atMs, previousDeviceId: line?.deviceId ?? null };
  });
  const line = before.line as LineBinding | null;
  const previousId =
    line?.deviceId !== deviceId ? line?.deviceId : line.atMs === atMs ? line.previousDeviceId : undefined;
  if (!previousId) return null;
  await store.changeDevice(previousId, (d) => {
    before.device = d;
    return d && numberMoved(d, atMs);
  });
  return before.device ?? emptyDevice(previousId);
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
    await reservations.release(e.transactionId, e.atMs);
    return;
  }
  if (e.kind === 'network') {
    const line = await store.getLine(e.msisdn);
    if (line)
      await store.changeDevice(
        line.deviceId,
        (d) => d && { ...d, simSwappedMs: Math.max(d.simSwappedMs ?? 0, e.atMs) },
      );
    return;
  }
  if (e.kind === 'device') {
    const { deviceId, msisdn } = e.data;
    const from = msisdn ? await bindNumber(store, deviceId, msisdn, e.atMs) : null;
    await store.changeDevice(deviceId, (d) => {
      const next = applyDeviceEvent(d ?? emptyDevice(deviceId), e.id, e.type, e.data, e.atMs);
      return from ? numberCarriedOver(numberMoved(next, e.atMs), from, e.data.imsiHash, e.atMs) : next;
    });
    return;
  }
  await Promise.all([addPosted(store, e.data, e.atMs), reservations.confirm(e.data.transactionId)]);
}
