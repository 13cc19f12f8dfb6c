import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { RateStore } from '../ports.js';
import { driverCollection, type LedgerModels, type RateDoc } from './models.js';

/**
 * Request allowances on MongoDB, shared by every replica: two conditional writes of the caller's
 * arrival time (domain/rate.ts). The first moves an arrival time in the past up to now (GCRA's
 * max(tat, now); a new caller's document is created); the second takes the request, adding one
 * interval, only while the arrival time is within the tolerance of now. Concurrent requests each
 * add their interval once, so a burst across replicas is allowed exactly as far as the limit.
 */
export function mongoRates(model: LedgerModels['rates']): RateStore {
  const rates = driverCollection<RateDoc>(model);
  return {
    async takeRate(key, nowMs, allowance) {
      try {
        await rates.updateOne({ _id: key, tat: { $lt: nowMs } }, { $set: { tat: nowMs } }, { upsert: true });
      } catch (err) {
        // The caller's arrival time is already at or past now: nothing to move.
        if (!isDuplicateKey(err)) throw err;
      }
      const taken = await rates.updateOne(
        { _id: key, tat: { $lte: nowMs + allowance.toleranceMs } },
        { $inc: { tat: allowance.intervalMs } },
      );
      return taken.modifiedCount === 1;
    },
  };
}
