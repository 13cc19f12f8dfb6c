import type { SeenStore } from '../ports.js';
import { readByKey, type RiskModels } from './models.js';

/** Seen event ids on MongoDB, one document each. */
export function mongoSeen(seen: RiskModels['seen']): SeenStore {
  const read = readByKey<{ atMs: number }>(seen.collection);
  return {
    async seen(id) {
      return (await read(id)) !== null;
    },
    async markSeen(id, atMs) {
      await seen.replaceOne({ _id: id }, { atMs }, { upsert: true });
    },
  };
}
