import type { FeatureStore } from '../store/ports.js';
import type { RiskEvent } from './events.js';
import { atomicReservations, type Reservations } from './reserve.js';
import { addEntry, applyDeviceEvent, emptyDevice, emptyParty, payeeKey, payerKey, postedEntry } from './features.js';

async function addToParty(store: FeatureStore, key: string, entry: ReturnType<typeof postedEntry>): Promise<void> {
  const doc = (await store.getParty(key)) ?? emptyParty(key);
  await store.putParty({ ...doc, payments: addEntry(doc.payments, entry) });
}

/**
 * Folds one event into the feature documents it touches, and confirms or releases the payment's
 * reservation. Each update is idempotent by event or transaction id, so a crash between updates and
 * a redelivery cannot count twice.
 */
export async function learn(store: FeatureStore, e: RiskEvent, reservations: Reservations = atomicReservations(store)): Promise<void> {
  if (e.kind === 'release') {
    await reservations.release(e.transactionId);
    return;
  }
  const device = (await store.getDevice(e.data.deviceId)) ?? emptyDevice(e.data.deviceId);
  if (e.kind === 'device') {
    await store.putDevice(applyDeviceEvent(device, e.id, e.type, e.data, e.atMs));
    return;
  }
  const entry = postedEntry(e.data, e.atMs);
  await store.putDevice({ ...device, payments: addEntry(device.payments, entry) });
  await addToParty(store, payerKey(e.data.payer), entry);
  await addToParty(store, payeeKey(e.data.payee), entry);
  await reservations.confirm(e.data.transactionId);
}
