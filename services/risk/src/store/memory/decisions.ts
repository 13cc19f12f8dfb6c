import { copy } from '../../../../../kit/src/copy.js';
import type { BoundedMap } from '../../../../../kit/src/bounded-map.js';
import { trailKey, type DecisionRecord } from '../../domain/model.js';
import type { DecisionStore } from '../ports.js';

/** Decision trails in a bounded map; the first trail of a (transaction, stage) stays. */
export function memoryDecisions(decisions: BoundedMap<string, DecisionRecord>): DecisionStore {
  return {
    async appendDecision(rec) {
      const key = trailKey(rec.transactionId, rec.stage);
      const first = decisions.get(key);
      if (first) return first;
      decisions.set(key, copy(rec));
      return rec;
    },
    async getDecision(id, stage) {
      return decisions.get(trailKey(id, stage)) ?? null;
    },
  };
}
