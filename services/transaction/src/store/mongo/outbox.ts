import { Types } from 'mongoose';
import { groupedInsert } from '../../../../../kit/src/mongo-batch.js';
import type { OutboxStore } from '../ports.js';
import { driverCollection, toEvent, type EventDoc, type LedgerModels } from './models.js';

/** The outbox on MongoDB, read in insertion order (an ObjectId per event); a re-added id is ignored. */
export function mongoOutbox(model: LedgerModels['outbox']): OutboxStore {
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
  };
}
