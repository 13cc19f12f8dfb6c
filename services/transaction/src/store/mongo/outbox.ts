import { Types } from 'mongoose';
import type { OutboxStore } from '../ports.js';
import { driverCollection, toEvent, type EventDoc, type LedgerModels } from './models.js';
import { insertOnce } from './writes.js';

/** The outbox on MongoDB, read in insertion order (an ObjectId per event); a re-added id is ignored. */
export function mongoOutbox(model: LedgerModels['outbox']): OutboxStore {
  const outbox = driverCollection<EventDoc>(model);

  return {
    async outboxBacklog() {
      return outbox.estimatedDocumentCount();
    },
    async addOutbox(events) {
      if (events.length === 0) return;
      await insertOnce(() =>
        outbox.insertMany(
          events.map(({ id, ...e }) => ({ _id: id, order: new Types.ObjectId(), ...e })),
          { ordered: false },
        ),
      );
    },
    async pendingOutbox(limit) {
      return (await outbox.find().sort({ order: 1 }).limit(limit).toArray()).map(toEvent);
    },
    async markSent(ids) {
      if (ids.length) await outbox.deleteMany({ _id: { $in: ids } });
    },
  };
}
