import { copy } from '../../../../../kit/src/copy.js';
import type { AuthCodeStore } from '../ports.js';
import { driverCollection, toAuthCode, type AuthCodeDoc, type LedgerModels } from './models.js';
import { defined, insertOnce } from './writes.js';

/** Cash-out codes on MongoDB: unique per id and per (payer, orderId); redeemed by one conditional update. */
export function mongoAuthCodes(model: LedgerModels['authCodes']): AuthCodeStore {
  const codes = driverCollection<AuthCodeDoc>(model);

  return {
    async insertAuthCode(c) {
      const { id, ...rest } = c;
      if (await insertOnce(() => codes.insertOne(defined({ _id: id, ...rest }))))
        return { created: true, code: copy(c) };
      const existing = await codes.findOne({ payer: c.payer, orderId: c.orderId });
      return { created: false, code: existing ? toAuthCode(existing) : null };
    },
    async redeemAuthCode(id, match, by, nowMs, maxFailures) {
      const c = await codes.findOneAndUpdate(
        {
          _id: id,
          payer: match.payer,
          amount: match.amount,
          currency: match.currency,
          expiresAtMs: { $gt: nowMs },
          failures: { $lt: maxFailures },
          $or: [{ state: 'ACTIVE' }, { state: 'REDEEMED', redeemedBy: by }],
        },
        { $set: { state: 'REDEEMED', redeemedBy: by } },
        { returnDocument: 'after' },
      );
      return c ? toAuthCode(c) : null;
    },
    async countAuthCodeFailure(payer) {
      await codes.updateMany({ payer, state: 'ACTIVE' }, { $inc: { failures: 1 } });
    },
  };
}
