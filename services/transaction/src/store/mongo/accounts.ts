import { groupedFindById, groupedUpdateMany } from '../../../../../kit/src/mongo-batch.js';
import type { AccountStore } from '../ports.js';
import type { mongo } from 'mongoose';
import { driverCollection, toAccount, type AccountDoc, type LedgerModels } from './models.js';
import { defined, insertOnce } from './writes.js';

/** Accounts on MongoDB: debits and credits are conditional updates of one document, once per transfer. */
export function mongoAccounts(model: LedgerModels['accounts']): AccountStore {
  const accounts = driverCollection<AccountDoc>(model);
  const byId = groupedFindById(accounts);
  // One statement for the markers of concurrent completions: a marker is cleared only once its transfer is
  // final and sits only on that transfer's payer and payee, so pulling every batched transfer's marker from
  // every batched account removes exactly the markers asked for.
  const clear = groupedUpdateMany<AccountDoc, { ids: string[]; transferId: string }>(accounts, (items) => ({
    filter: { _id: { $in: [...new Set(items.flatMap((i) => i.ids))] } } as mongo.Filter<AccountDoc>,
    update: { $pull: { applied: { $in: [...new Set(items.map((i) => i.transferId))] } } },
  }));
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
    clearApplied: (ids, transferId) => clear({ ids, transferId }),
  };
}
