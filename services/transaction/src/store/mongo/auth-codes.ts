import { copy } from '../../../../../kit/src/copy.js';
import type { AuthCodeStore } from '../ports.js';
import { driverCollection, toAuthCode, type AuthCodeDoc, type LedgerModels } from './models.js';
import { defined, insertOnce } from './writes.js';

/**
 * Cash-out codes on MongoDB: unique per id and per (payer, orderId); a try is charged to the payer's
 * active codes by one conditional update each, and a code is redeemed by one conditional update.
 */
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
    async chargeAuthCodeTry(payer, tryId, maxFailures) {
      const r = await codes.updateMany(
        { payer, state: 'ACTIVE', failures: { $lt: maxFailures } },
        { $inc: { failures: 1 }, $push: { tries: tryId } },
      );
      return r.modifiedCount > 0;
    },
    async redeemAuthCode(id, match, by, tryId, nowMs) {
      const c = await codes.findOneAndUpdate(
        {
          _id: id,
          payer: match.payer,
          amount: match.amount,
          currency: match.currency,
          expiresAtMs: { $gt: nowMs },
          $or: [
            { state: 'ACTIVE', tries: tryId },
            { state: 'REDEEMED', redeemedBy: by },
          ],
        },
        { $set: { state: 'REDEEMED', redeemedBy: by } },
        { returnDocument: 'after' },
      );
      return c ? toAuthCode(c) : null;
    },
    async refundAuthCodeTry(payer, tryId) {
      await codes.updateMany({ payer, tries: tryId }, { $inc: { failures: -1 }, $pull: { tries: tryId } });
    },
  };
}
