import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import { trailKey, type DecisionRecord } from '../../domain/model.js';
import type { DecisionStore } from '../ports.js';
import { strip, type RiskModels, type Stored } from './models.js';

/** Decision trails on MongoDB: the unique `_id` keeps the first trail of a (transaction, stage). */
export function mongoDecisions(decisions: RiskModels['decisions']): DecisionStore {
  return {
    async appendDecision(rec) {
      const key = trailKey(rec.transactionId, rec.stage);
      try {
        await decisions.create({ _id: key, ...rec });
        return rec;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const first = strip(await decisions.findById(key).lean<Stored<DecisionRecord>>());
        if (!first) throw err;
        return first;
      }
    },
    async getDecision(id, stage) {
      return strip(await decisions.findById(trailKey(id, stage)).lean<Stored<DecisionRecord>>());
    },
  };
}
