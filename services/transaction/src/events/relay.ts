import type { EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { LedgerStore } from '../store/ports.js';

/**
 * The outbox relay: publishes what the service wrote to its outbox and only then marks it sent,
 * so every event is published at least once, even across crashes.
 */
export function startRelay(store: LedgerStore, bus: EventBus, log: Logger, intervalMs = 50): { flush(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const flush = () => (running = running.then(async () => {
    for (;;) {
      const batch = await store.pendingOutbox(100);
      if (batch.length === 0) return;
      for (const topic of new Set(batch.map((e) => e.topic))) {
        await bus.publish(topic, batch.filter((e) => e.topic === topic).map(({ topic: _t, ...e }) => e));
      }
      await store.markSent(batch.map((e) => e.id));
    }
  }).catch((err: unknown) => log.warn({ err }, 'outbox relay will retry')));
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return { flush, stop: async () => { clearInterval(timer); await flush(); } };
}
