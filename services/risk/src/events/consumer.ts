import type { BusEvent, EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../../contracts/events.js';
import { MalformedEvent, parseEvent, type RiskEvent } from '../domain/events.js';
import { learn } from '../domain/learn.js';
import { atomicReservations, type Reservations } from '../domain/reserve.js';
import type { FeatureStore } from '../store/ports.js';

/** Consumer group of the risk service on every topic it reads. */
export const RISK_GROUP = 'risk';

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
  let ev: RiskEvent | null = null;
  let malformed: MalformedEvent | null = null;
  try {
    ev = parseEvent(topic, e);
  } catch (err) {
    if (!(err instanceof MalformedEvent)) throw err;
    malformed = err;
  }
  if (!ev && !malformed) return false;
  const keyedByTransaction = ev?.kind === 'payment' || ev?.kind === 'release';
  if (!keyedByTransaction && (await store.seen(e.id))) return false;
  if (ev) await learn(store, ev, reservations);
  else log?.warn({ eventId: e.id, type: e.type, err: malformed!.message }, 'malformed event skipped');
  if (!keyedByTransaction) await store.markSeen(e.id, e.atMs);
  return true;
}

/**
 * Subscribes the risk service to device and payment events. Deliveries are applied one at a time
 * so two events for the same document never interleave their read and write.
 */
export async function subscribeFeatures(
  bus: EventBus,
  store: FeatureStore,
  log: Logger,
  reservations: Reservations = atomicReservations(store),
): Promise<{ idle(): Promise<void> }> {
  let chain: Promise<unknown> = Promise.resolve();
  const handler = (topic: string) => (e: BusEvent) => {
    const run = chain.then(() => ingest(store, topic, e, log, reservations));
    chain = run.catch(() => undefined);
    return run.then(() => undefined);
  };
  await bus.subscribe(DEVICE_TOPIC, RISK_GROUP, handler(DEVICE_TOPIC));
  await bus.subscribe(PAYMENT_TOPIC, RISK_GROUP, handler(PAYMENT_TOPIC));
  return { idle: () => chain.then(() => undefined) };
}
