import type { CallbackStore } from '../ports.js';
import { driverCollection, toCallback, type CallbackDoc, type LedgerModels } from './models.js';
import { insertOnce } from './writes.js';

/**
 * Integrator callbacks on MongoDB; an attempt is claimed by a conditional update of the due time, and
 * settled by one conditional on that claim still standing.
 */
export function mongoCallbacks(model: LedgerModels['callbacks']): CallbackStore {
  const callbacks = driverCollection<CallbackDoc>(model);
  return {
    addCallback: ({ id, ...c }) => insertOnce(() => callbacks.insertOne({ _id: id, ...c })),
    async dueCallbacks(nowMs, limit) {
      const due = callbacks.find({ state: 'PENDING', nextAtMs: { $lte: nowMs } }, { sort: { nextAtMs: 1 }, limit });
      return (await due.toArray()).map(toCallback);
    },
    async claimCallback(id, dueAtMs, untilMs) {
      const r = await callbacks.updateOne(
        { _id: id, state: 'PENDING', nextAtMs: dueAtMs },
        { $set: { nextAtMs: untilMs } },
      );
      return r.modifiedCount === 1;
    },
    async settleCallback(id, claimedUntilMs, next) {
      const r = await callbacks.updateOne({ _id: id, state: 'PENDING', nextAtMs: claimedUntilMs }, { $set: next });
      return r.modifiedCount === 1;
    },
    async getCallback(id) {
      const c = await callbacks.findOne({ _id: id });
      return c ? toCallback(c) : null;
    },
  };
}
