import type { SeenStore } from '../ports.js';
import type { RiskModels } from './models.js';

/** Seen event ids on MongoDB, one document each. */
export function mongoSeen(seen: RiskModels['seen']): SeenStore {
  return {
    async seen(id) {
      return (await seen.exists({ _id: id })) !== null;
    },
    async markSeen(id, atMs) {
      await seen.replaceOne({ _id: id }, { atMs }, { upsert: true });
    },
  };
}
