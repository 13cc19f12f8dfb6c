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

/**
 * The outbox relay: publishes what the service wrote to its outbox and only then marks it sent,
 * so every event is published at least once, even across crashes. A tick while a flush is still
 * running is skipped (under load ticks would otherwise queue store reads), and a batch that was
 * not full ends the flush without reading the outbox again.
 */
export function startRelay(
  store: OutboxStore,
  bus: EventBus,
  log: Logger,
  intervalMs = 50,
): { flush(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const flush = () =>
    (running = running
      .then(async () => {
        for (;;) {
          const batch = await store.pendingOutbox(BATCH);
          if (batch.length === 0) return;
          for (const topic of new Set(batch.map((e) => e.topic)))
            await publishTraced(
              bus,
              topic,
              batch.filter((e) => e.topic === topic),
            );
          await store.markSent(batch.map((e) => e.id));
          if (batch.length < BATCH) return;
        }
      })
      .catch((err: unknown) => log.warn({ err }, 'outbox relay will retry')));
  const tick = () => {
    if (busy) return;
    busy = true;
    void flush().finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
