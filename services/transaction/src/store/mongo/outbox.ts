import { Types } from 'mongoose';
import { groupedInsert } from '../../../../../kit/src/mongo-batch.js';
import type { OutboxStore } from '../ports.js';
import { insertOnce } from './writes.js';
import { driverCollection, toEvent, type EventDoc, type LedgerModels } from './models.js';

/** The outbox on MongoDB, read in insertion order (an ObjectId per event); a re-added id is ignored. */
export function mongoOutbox(model: LedgerModels['outbox'], leases: LedgerModels['leases']): OutboxStore {
  const outbox = driverCollection<EventDoc>(model);
  const insert = groupedInsert(outbox);

  return {
    async outboxBacklog() {
      return outbox.estimatedDocumentCount();
    },
    async addOutbox(events) {
      await Promise.all(events.map(({ id, ...e }) => insert({ _id: id, order: new Types.ObjectId(), ...e })));
    },
    async pendingOutbox(limit) {
      return (await outbox.find().sort({ order: 1 }).limit(limit).toArray()).map(toEvent);
    },
    async markSent(ids) {
      if (ids.length) await outbox.deleteMany({ _id: { $in: ids } });
    },
    async leaseRelay(holder, nowMs, untilMs) {
      // Another holder's running lease matches nothing, so the upsert inserts and meets the unique _id.
      const mine = { _id: 'outbox-relay', $or: [{ holder }, { untilMs: { $lte: nowMs } }] };
      return insertOnce(() => leases.updateOne(mine, { $set: { holder, untilMs } }, { upsert: true }));
    },
  };
}
