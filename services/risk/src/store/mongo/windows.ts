import type { mongo } from 'mongoose';
import { DfsError } from '../../../../../kit/src/errors.js';
import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import { groupedConditionalUpsert, groupedFindById } from '../../../../../kit/src/mongo-batch.js';
import type { WindowStore } from '../ports.js';
import type { RiskModels } from './models.js';

type WindowDoc = { _id: string; amount: number; count: number; expiresAtMs: number };

/**
 * Window buckets on MongoDB: each check-and-add is one conditional upsert (`amount + x <= max` and
 * `count + 1 <= max` in the filter), grouped with the concurrent ones (a payment's five buckets, and
 * other payments') into one bulkWrite; the totals are then read back by id, also grouped. A bucket
 * that refused (full, or created by a concurrent call at the same moment) is decided on its own.
 */
export function mongoWindows(windows: RiskModels['windows']): WindowStore {
  const col = windows as unknown as mongo.Collection<WindowDoc>;
  const upsertIf = groupedConditionalUpsert(col);
  const byId = groupedFindById(col);
  return {
    async reserveWindow(key, amount, maxAmount, maxCount, expiresAtMs) {
      if (amount > maxAmount || maxCount < 1) return null;
      const filter = { _id: key as never, amount: { $lte: maxAmount - amount }, count: { $lte: maxCount - 1 } };
      const update = { $inc: { amount, count: 1 }, $setOnInsert: { expiresAtMs } };
      const first = await upsertIf({ filter, update });
      if (first === 'upserted') return { amount, count: 1 };
      if (first === 'matched') {
        const w = await byId(key);
        return { amount: w?.amount ?? amount, count: w?.count ?? 1 };
      }
      // Refused: the bucket exists and is full, or two created it at once. A plain conditional
      // update decides, re-creating the bucket if it expired and was dropped meanwhile. Whether the
      // write applied is read from its count (n), not from the returned document: secantusd answers
      // an upsert that became an update with n: 1 and no document.
      let upsert = false;
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
      const w = await byId(key);
      return w ? { amount: w.amount, count: w.count } : null;
    },
  };
}
