import { copy } from '../../../../../kit/src/copy.js';
import type { mongo } from 'mongoose';
import { DfsError } from '../../../../../kit/src/errors.js';
import {
  groupedConditionalUpsert,
  groupedFindById,
  groupedInsert,
  groupedUpdate,
} from '../../../../../kit/src/mongo-batch.js';
import type { TransferFilter, TransferStore } from '../ports.js';
import { driverCollection, toTransfer, type LedgerModels, type TransferDoc } from './models.js';
import { defined } from './writes.js';

/**
 * The find filter of an account's transfers matching `f`: the time range and the state sit in each
 * `$or` branch next to its equality on payer or payee, so each branch is bounded by an index on its
 * own: {payer|payee, createdAtMs, _id} for the range, or {state, createdAtMs} when a state is asked.
 */
function accountFilter(accountId: string, f: TransferFilter): mongo.Filter<TransferDoc> {
  const createdAtMs = {
    ...(f.fromMs !== undefined ? { $gte: f.fromMs } : {}),
    ...(f.toMs !== undefined ? { $lte: f.toMs } : {}),
  };
  const rest = {
    ...(Object.keys(createdAtMs).length > 0 ? { createdAtMs } : {}),
    ...(f.state !== undefined ? { state: f.state } : {}),
  };
  return {
    $or: [
      { payer: accountId, ...rest },
      { payee: accountId, ...rest },
    ],
  };
}

/** Transfers on MongoDB: unique per (payer, idempotencyKey); every state change is a conditional update. */
export function mongoTransfers(model: LedgerModels['transfers']): TransferStore {
  const transfers = driverCollection<TransferDoc>(model);
  const byId = groupedFindById(transfers);
  const insert = groupedInsert(transfers);
  const update = groupedUpdate(transfers);
  const claim = groupedConditionalUpsert(transfers);
  const findTransfer = async (payer: string, idempotencyKey: string) => {
    const t = await transfers.findOne({ payer, idempotencyKey });
    return t ? toTransfer(t) : null;
  };

  return {
    async insertTransfer(t) {
      const { id, ...rest } = t;
      if (await insert(defined({ _id: id, ...rest }))) return { created: true, transfer: copy(t) };
      const existing = await findTransfer(t.payer, t.idempotencyKey);
      if (!existing) throw new DfsError('STORE_UNAVAILABLE', `transfer ${id} collided with another id`);
      return { created: false, transfer: existing };
    },
    async getTransfer(id) {
      const t = await byId(id);
      return t ? toTransfer(t) : null;
    },
    findTransfer,
    async listAccountTransfers(accountId, filter, limit, offset) {
      return (
        await transfers
          .find(accountFilter(accountId, filter))
          .sort({ createdAtMs: -1, _id: -1 })
          .skip(offset)
          .limit(limit)
          .toArray()
      ).map(toTransfer);
    },
    async countAccountTransfers(accountId, filter) {
      return transfers.countDocuments(accountFilter(accountId, filter));
    },
    async setRisk(id, risk) {
      await update({ filter: { _id: id, state: 'PENDING' }, update: { $set: { risk } } });
    },
    async finishTransfer(id, state, code, result) {
      return (
        (await transfers.updateOne({ _id: id, state: 'PENDING' }, { $set: { state, code, result } })).modifiedCount ===
        1
      );
    },
    async listPending() {
      return (await model.find({ state: 'PENDING' }).sort({ createdAtMs: 1, _id: 1 }).lean<TransferDoc[]>()).map(
        toTransfer,
      );
    },
    // Grouped with the claims of concurrent completions into one bulkWrite: a claim that does not match
    // (held, or no longer PENDING) meets the existing _id and is refused; a transfer that does not exist
    // at all would be inserted by the upsert, so that stub is removed and the claim refused.
    async claimRecovery(id, nowMs, untilMs, risk, decided = 'none') {
      // Unheld: no claim, or one that ended (`$not $gt` rather than an `$or`, which the test server
      // answers by scanning the collection).
      const free = { recoveryUntilMs: { $not: { $gt: nowMs } }, ...(decided === 'any' ? {} : { decided: null }) };
      const set = risk ? { recoveryUntilMs: untilMs, risk } : { recoveryUntilMs: untilMs };
      const outcome = await claim({ filter: { _id: id, state: 'PENDING', ...free }, update: { $set: set } });
      if (outcome === 'upserted') await transfers.deleteOne({ _id: id, payer: { $exists: false } });
      return outcome === 'matched';
    },
    async releaseRecovery(id, untilMs) {
      await transfers.updateOne({ _id: id, recoveryUntilMs: untilMs }, { $set: { recoveryUntilMs: null } });
    },
    async decideTransfer(id, untilMs, decided) {
      const filter = { _id: id, state: 'PENDING' as const, recoveryUntilMs: untilMs, decided: null };
      return (await transfers.updateOne(filter, { $set: { decided } })).modifiedCount === 1;
    },
    async setStepUp(id, stepUp) {
      return (
        (await transfers.updateOne({ _id: id, state: 'PENDING', stepUp: null }, { $set: { stepUp } })).modifiedCount ===
        1
      );
    },
    async passStepUp(id, challenge, risk) {
      return (
        (
          await transfers.updateOne(
            { _id: id, state: 'PENDING', 'stepUp.challenge': challenge, decided: null },
            { $set: { stepUp: null, risk } },
          )
        ).modifiedCount === 1
      );
    },
    async reserveReturn(id, amount, returnId) {
      const t = await transfers.findOne({ _id: id });
      if (!t || amount > t.amount) return false;
      const room = { returned: { $not: { $gt: t.amount - amount } } } as mongo.Filter<TransferDoc>;
      return (
        (
          await transfers.updateOne(
            { _id: id, state: 'POSTED', returns: { $ne: returnId }, ...room },
            { $inc: { returned: amount }, $push: { returns: returnId } },
          )
        ).modifiedCount === 1
      );
    },
    async releaseReturn(id, amount, returnId) {
      await transfers.updateOne(
        { _id: id, returns: returnId },
        { $inc: { returned: -amount }, $pull: { returns: returnId } },
      );
    },
  };
}
