import type { EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { LedgerStore } from '../store/ports.js';

const BATCH = 100;

/**
 * The outbox relay: publishes what the service wrote to its outbox and only then marks it sent,
 * so every event is published at least once, even across crashes. A tick while a flush is still
 * running is skipped (under load ticks would otherwise queue store reads), and a batch that was
 * not full ends the flush without reading the outbox again.
 */
export function startRelay(store: LedgerStore, bus: EventBus, log: Logger, intervalMs = 50): { flush(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const flush = () => (running = running.then(async () => {
    for (;;) {
      const batch = await store.pendingOutbox(BATCH);
      if (batch.length === 0) return;
      for (const topic of new Set(batch.map((e) => e.topic))) {
        await bus.publish(topic, batch.filter((e) => e.topic === topic).map(({ topic: _t, ...e }) => e));
      }
      await store.markSent(batch.map((e) => e.id));
      if (batch.length < BATCH) return;
    }
  }).catch((err: unknown) => log.warn({ err }, 'outbox relay will retry')));
  const tick = () => {
    if (busy) return;
    busy = true;
    void flush().finally(() => { busy = false; });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { flush, stop: async () => { clearInterval(timer); await flush(); } };
}
