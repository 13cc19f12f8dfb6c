import type { BusEvent } from '../../kit/src/events.js';

/** Remembers which event ids a consumer has applied; the risk FeatureStore has this shape too. */
export interface SeenStore {
  seen(eventId: string): Promise<boolean>;
  markSeen(eventId: string, atMs: number): Promise<void>;
}

/** A bounded in-process SeenStore (the oldest ids are forgotten first). */
export function memorySeen(max = 100_000): SeenStore {
  const ids = new Map<string, number>();
  return {
    async seen(id) {
      return ids.has(id);
    },
    async markSeen(id, atMs) {
      ids.delete(id);
      ids.set(id, atMs);
      if (ids.size > max) ids.delete(ids.keys().next().value!);
    },
  };
}

/**
 * Wraps a bus handler so an event delivered more than once (at-least-once) is applied once: a seen
 * id is skipped, an id is marked only after the handler succeeded, and twins in flight wait for each other.
 */
export function dedupe(handler: (e: BusEvent) => Promise<void>, store: SeenStore): (e: BusEvent) => Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  return async (e) => {
    while (inFlight.has(e.id)) await inFlight.get(e.id)!.catch(() => undefined);
    const run = (async () => {
      if (await store.seen(e.id)) return;
      await handler(e);
      await store.markSeen(e.id, e.atMs);
    })();
    inFlight.set(e.id, run);
    try {
      await run;
    } finally {
      inFlight.delete(e.id);
    }
  };
}
