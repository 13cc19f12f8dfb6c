import { groupedFindById, groupedUpdate } from '../../../../../kit/src/mongo-batch.js';
import type { AccountStore } from '../ports.js';
import { driverCollection, toAccount, type AccountDoc, type LedgerModels } from './models.js';
import { defined, insertOnce } from './writes.js';

/** Accounts on MongoDB: debits and credits are conditional updates of one document, once per transfer. */
export function mongoAccounts(model: LedgerModels['accounts']): AccountStore {
  const accounts = driverCollection<AccountDoc>(model);
  const byId = groupedFindById(accounts);
  const update = groupedUpdate(accounts);
  const account = async (id: string) => {
    const a = await byId(id);
    if (!a) throw new Error(`account ${id} vanished`);
    return a;
  };

  return {
    createAccount: ({ id, ...a }) => insertOnce(() => accounts.insertOne(defined({ _id: id, ...a }))),
    async getAccount(id) {
      const a = await byId(id);
      return a ? toAccount(a) : null;
    },
    async listAccounts() {
      return (await model.find().sort({ _id: 1 }).lean<AccountDoc[]>()).map(toAccount);
    },
    async debit(id, transferId, amount) {
      for (;;) {
        const after = await accounts.findOneAndUpdate(
          { _id: id, balance: { $gte: amount }, applied: { $ne: transferId } },
          { $inc: { balance: -amount }, $push: { applied: transferId } },
          { returnDocument: 'after', projection: { balance: 1 } },
        );
        if (after) return { outcome: 'applied', balance: after.balance };
        const a = await account(id);
        if (a.applied.includes(transferId)) return { outcome: 'already', balance: a.balance };
        if (a.balance < amount) return { outcome: 'insufficient', balance: a.balance };
      }
    },
    async credit(id, transferId, amount) {
      const r = await accounts.updateOne(
        { _id: id, applied: { $ne: transferId } },
        { $inc: { balance: amount }, $push: { applied: transferId } },
      );
      if (r.modifiedCount === 1) return 'applied';
      await account(id);
      return 'already';
    },
    async clearApplied(ids, transferId) {
      await Promise.all(ids.map((id) => update({ filter: { _id: id }, update: { $pull: { applied: transferId } } })));
    },
  };
}
