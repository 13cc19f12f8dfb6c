import { copy } from '../../../../../kit/src/copy.js';
import type { mongo } from 'mongoose';
import { DfsError } from '../../../../../kit/src/errors.js';
import { groupedInsert } from '../../../../../kit/src/mongo-batch.js';
import { trailKey, type DecisionRecord } from '../../domain/model.js';
import type { DecisionStore } from '../ports.js';
import { strip, type RiskModels, type Stored } from './models.js';

/** Decision trails on MongoDB: the unique `_id` keeps the first trail of a (transaction, stage). */
export function mongoDecisions(decisions: RiskModels['decisions']): DecisionStore {
  const insert = groupedInsert(decisions.collection as unknown as mongo.Collection<Stored<DecisionRecord>>);
  return {
    async appendDecision(rec) {
      const key = trailKey(rec.transactionId, rec.stage);
      if (await insert({ _id: key, ...copy(rec) })) return rec;
      const first = strip(await decisions.findById(key).lean<Stored<DecisionRecord>>());
      if (!first) throw new DfsError('STORE_UNAVAILABLE', `decision trail ${key} refused and not found`);
      return first;
    },
    async getDecision(id, stage) {
      return strip(await decisions.findById(trailKey(id, stage)).lean<Stored<DecisionRecord>>());
    },
  };
}
