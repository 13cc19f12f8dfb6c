import type { mongo } from 'mongoose';
import { DfsError } from '../../../../../kit/src/errors.js';
import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { WindowStore } from '../ports.js';
import type { RiskModels } from './models.js';

/** Window buckets on MongoDB: each check-and-add is one conditional update (an upsert for a new bucket). */
export function mongoWindows(windows: RiskModels['windows']): WindowStore {
  return {
    async reserveWindow(key, amount, maxAmount, maxCount, expiresAtMs) {
      if (amount > maxAmount || maxCount < 1) return null;
      const filter = { _id: key as never, amount: { $lte: maxAmount - amount }, count: { $lte: maxCount - 1 } };
      const update = { $inc: { amount, count: 1 }, $setOnInsert: { expiresAtMs } };
      // A missing bucket is created by the upsert; when two create it at once, or the bucket exists
      // but is full, the insert meets the unique _id and a plain conditional update decides. Whether
      // the write applied is read from its count (n), not from the returned document: secantusd answers
      // an upsert that became an update with n: 1 and no document.
      let upsert = true;
      for (let attempt = 0; attempt < 1000; attempt++) {
        let r: mongo.ModifyResult;
        try {
          r = await windows.findOneAndUpdate(filter, update, {
            upsert,
            returnDocument: 'after',
            includeResultMetadata: true,
          });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          upsert = false;
          continue;
        }
        if (r.lastErrorObject?.n === 1) {
          const doc = r.value ?? (await windows.findOne({ _id: key as never })) ?? { amount, count: 1 };
          return { amount: doc.amount as number, count: doc.count as number };
        }
        if (upsert || (await windows.findOne({ _id: key as never }))) return null;
        upsert = true;
      }
      throw new DfsError('STORE_UNAVAILABLE', `window ${key} kept colliding`);
    },
    async releaseWindow(key, amount) {
      await windows.updateOne({ _id: key as never }, { $inc: { amount: -amount, count: -1 } });
    },
    async getWindow(key) {
      const w = await windows.findOne({ _id: key as never });
      return w ? { amount: w.amount as number, count: w.count as number } : null;
    },
  };
}
