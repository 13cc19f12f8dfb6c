import type { BusEvent, EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../../contracts/events.js';
import { MalformedEvent, parseEvent, type RiskEvent } from '../domain/events.js';
import { learn } from '../domain/learn.js';
import { payeeKey, payerKey } from '../domain/features.js';
import { keyedQueue } from '../../../../kit/src/keyed.js';
import { atomicReservations, type Reservations } from '../domain/reserve.js';
import type { FeatureStore } from '../store/ports.js';

/** Consumer group of the risk service on every topic it reads. */
export const RISK_GROUP = 'risk';

/** An event as the risk service reads it: what it says, or why it could not be read. */
type Read = { ev: RiskEvent | null; malformed: MalformedEvent | null };

function read(topic: string, e: BusEvent): Read {
  try {
    return { ev: parseEvent(topic, e), malformed: null };
  } catch (err) {
    if (!(err instanceof MalformedEvent)) throw err;
    return { ev: null, malformed: err };
  }
}

/**
 * The documents an event's learning touches, as keys of the consumer's queue: a payment its device,
 * payer, payee and reservation, a release its reservation. Device and network events, and
 * malformed ones, name none: they go alone (a number that moves touches a device known only once
 * its line is read).
 */
function keysOf({ ev }: Read): string[] {
  if (ev?.kind === 'release') return [`tx:${ev.transactionId}`];
  if (ev?.kind !== 'payment') return [];
  const d = ev.data;
  return [`device:${d.deviceId}`, payerKey(d.payer), payeeKey(d.payee), `tx:${d.transactionId}`];
}

/**
 * Applies one delivered event once (at-least-once delivery). Device and network events are
 * recorded by id and an already-seen id is skipped; malformed events are logged and marked seen so
 * they cannot block the stream. Payment outcomes need no record: they land keyed by transaction id
 * (one entry per transaction in each window list, the reservation moved by a conditional update),
 * so applying one again changes nothing, and they skip the two round trips of the record, which
 * made the learning of posted payments fall behind the payments themselves. Events the risk
 * service does not use (most payment events) cost no store access: ignoring one twice is harmless.
 */
export async function ingest(
  store: FeatureStore,
  topic: string,
  e: BusEvent,
  log?: Logger,
  reservations: Reservations = atomicReservations(store),
): Promise<boolean> {
  return apply(store, read(topic, e), e, log, reservations);
}

async function apply(
  store: FeatureStore,
  { ev, malformed }: Read,
  e: BusEvent,
  log: Logger | undefined,
  reservations: Reservations,
): Promise<boolean> {
  if (!ev && !malformed) return false;
  const keyedByTransaction = ev?.kind === 'payment' || ev?.kind === 'release';
  if (!keyedByTransaction && (await store.seen(e.id))) return false;
  if (ev) await learn(store, ev, reservations);
  else log?.warn({ eventId: e.id, type: e.type, err: malformed!.message }, 'malformed event skipped');
  if (!keyedByTransaction) await store.markSeen(e.id, e.atMs);
  return true;
}

/** How many partitions of a topic risk learns from at once (each in order). */
export const RISK_PARTITIONS_AT_ONCE = 3;

/**
 * Subscribes the risk service to device and payment events. Two events that touch one document are
 * applied in delivery order, one after the other, so their reads and writes never interleave in
 * this process; events on other documents (payments of other devices, payers and payees) are
 * applied side by side, from up to RISK_PARTITIONS_AT_ONCE partitions at once: applied one at a
 * time, the learning of posted payments fell behind the payments.
 */
export async function subscribeFeatures(
  bus: EventBus,
  store: FeatureStore,
  log: Logger,
  reservations: Reservations = atomicReservations(store),
): Promise<void> {
  const queue = keyedQueue();
  const handler = (topic: string) => async (e: BusEvent) => {
    const r = read(topic, e);
    if (!r.ev && !r.malformed) return;
    await queue(keysOf(r), () => apply(store, r, e, log, reservations));
  };
  const opts = { partitionsAtOnce: RISK_PARTITIONS_AT_ONCE };
  await bus.subscribe(DEVICE_TOPIC, RISK_GROUP, handler(DEVICE_TOPIC), opts);
  await bus.subscribe(PAYMENT_TOPIC, RISK_GROUP, handler(PAYMENT_TOPIC), opts);
}
