import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { NumberStore } from '../ports.js';
import { driverCollection, toNumber, type LedgerModels, type NumberDoc } from './models.js';

/**
 * Phone-number bindings on MongoDB: the number is the `_id`, so a binding replaces the earlier one in
 * one conditional write, only while the stored one is not newer (`atMs`): a delayed older binding meets
 * the unique `_id` instead of overwriting a newer one, and changes nothing.
 */
export function mongoNumbers(model: LedgerModels['numbers']): NumberStore {
  const numbers = driverCollection<NumberDoc>(model);
  return {
    async bindNumber({ msisdn, ...rest }) {
      try {
        await numbers.replaceOne({ _id: msisdn, atMs: { $lte: rest.atMs } }, rest, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },
    async getNumber(msisdn) {
      const b = await numbers.findOne({ _id: msisdn });
      return b ? toNumber(b) : null;
    },
  };
}
