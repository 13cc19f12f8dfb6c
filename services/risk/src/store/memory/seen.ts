import type { BoundedMap } from '../../../../../kit/src/bounded-map.js';
import type { SeenStore } from '../ports.js';

/** Seen event ids in a bounded map. */
export function memorySeen(seenIds: BoundedMap<string, number>): SeenStore {
  return {
    async seen(id) {
      return seenIds.has(id);
    },
    async markSeen(id, atMs) {
      seenIds.set(id, atMs);
    },
  };
}
