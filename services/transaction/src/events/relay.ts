import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import type { EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { contextFrom, SpanKind, traceHeaders } from '../../../../kit/src/tracing.js';
import type { OutboxEvent } from '../domain/model.js';
import type { OutboxStore } from '../store/ports.js';

/**
 * The store (every other method looked up on it at call time) with outbox events stamped with the
 * trace context of the work that wrote them.
 */
export function tracedOutbox<S extends OutboxStore>(store: S): S {
  const addOutbox: OutboxStore['addOutbox'] = (events) =>
    store.addOutbox(events.map((e) => (e.headers ? e : { ...e, headers: traceHeaders() })));
  return new Proxy(store, {
    get: (target, prop, receiver) => (prop === 'addOutbox' ? addOutbox : Reflect.get(target, prop, receiver)),
  });
}

/** Publishes one topic's events, each in a producer span continuing the trace that wrote it. */
async function publishTraced(bus: EventBus, topic: string, events: OutboxEvent[]): Promise<void> {
  const tracer = trace.getTracer('transaction');
  const spans = events.map((e) =>
    tracer.startSpan(
      'outbox.relay',
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.destination.name': topic, 'messaging.message.id': e.id, 'dfs.event.type': e.type },
      },
      contextFrom(e.headers),
    ),
  );
  try {
    await bus.publish(
      topic,
      events.map(({ topic: _t, ...e }, i) => ({
        ...e,
        headers: traceHeaders(trace.setSpan(context.active(), spans[i]!)),
      })),
    );
  } finally {
    for (const s of spans) s.end();
  }
}

const BATCH = 100;
/** How long the relay lease runs; its holder renews it when less than half is left. */
const LEASE_MS = 2000;

/**
 * The outbox relay: publishes what the service wrote to its outbox and only then marks it sent,
 * so every event is published at least once, even across crashes. A tick while a flush is still
 * running is skipped (under load ticks would otherwise queue store reads), and a batch that was
 * not full ends the flush without reading the outbox again. Of several replicas on one store only
 * the holder of the relay lease polls (the others would publish the same events again); another
 * replica takes over within LEASE_MS of the holder's end. `flush` itself needs no lease.
 * `healthy` is false from a flush that failed until one succeeds (events and callbacks wait meanwhile).
 */
export function startRelay(
  store: OutboxStore,
  bus: EventBus,
  log: Logger,
  intervalMs = 50,
): { flush(): Promise<void>; stop(): Promise<void>; healthy(): boolean } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let failing = false;
  const flush = () =>
    (running = running
      .then(async () => {
        for (;;) {
          const batch = await store.pendingOutbox(BATCH);
          if (batch.length === 0) break;
          for (const topic of new Set(batch.map((e) => e.topic)))
            await publishTraced(
              bus,
              topic,
              batch.filter((e) => e.topic === topic),
            );
          await store.markSent(batch.map((e) => e.id));
          if (batch.length < BATCH) break;
        }
        failing = false;
      })
      .catch((err: unknown) => {
        failing = true;
        log.warn({ err }, 'outbox relay will retry');
      }));
  const holder = randomUUID();
  let heldUntil = 0;
  let nextTry = 0;
  const leased = async () => {
    const now = Date.now();
    if (now < heldUntil - LEASE_MS / 2) return true;
    if (now < nextTry) return false;
    if (await store.leaseRelay(holder, now, now + LEASE_MS)) heldUntil = now + LEASE_MS;
    else nextTry = now + LEASE_MS / 4;
    return heldUntil > now;
  };
  const tick = () => {
    if (busy) return;
    busy = true;
    void leased()
      .then((mine) => (mine ? flush() : undefined))
      .catch((err: unknown) => log.warn({ err }, 'outbox relay lease will be tried again'))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    flush,
    healthy: () => !failing,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
