import type { Change } from '../ports.js';

/**
 * Changes one document of a map: read, computed and written in one synchronous step, so nothing
 * else in the process comes between (the in-memory store has one process by construction).
 */
export function changeIn<T>(docs: Map<string, T>): (key: string, change: Change<T>) => Promise<void> {
  return async (key, change) => {
    const next = change(docs.get(key) ?? null);
    if (next) docs.set(key, next);
  };
}
