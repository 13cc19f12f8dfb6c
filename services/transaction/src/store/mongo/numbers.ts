import type { NumberStore } from '../ports.js';
import { driverCollection, toNumber, type LedgerModels, type NumberDoc } from './models.js';

/** Phone-number bindings on MongoDB: the number is the `_id`, so a binding replaces the earlier one in one write. */
export function mongoNumbers(model: LedgerModels['numbers']): NumberStore {
  const numbers = driverCollection<NumberDoc>(model);
  return {
    async bindNumber({ msisdn, ...rest }) {
      await numbers.replaceOne({ _id: msisdn }, rest, { upsert: true });
    },
    async getNumber(msisdn) {
      const b = await numbers.findOne({ _id: msisdn });
      return b ? toNumber(b) : null;
    },
  };
}
