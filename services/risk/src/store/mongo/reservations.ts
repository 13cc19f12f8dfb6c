import type { mongo } from 'mongoose';
import { groupedInsert, groupedUpdateMany } from '../../../../../kit/src/mongo-batch.js';
import type { Reservation } from '../../domain/reserve.js';
import type { ReservationStore } from '../ports.js';
import { readByKey, strip, type RiskModels, type Stored } from './models.js';

/**
 * Reservation records on MongoDB, inserted once per transaction and moved by conditional updates;
 * the inserts of concurrent decisions go as one command, and the confirmations of concurrent postings as one
 * statement.
 */
export function mongoReservations(reservations: RiskModels['reservations']): ReservationStore {
  const col = reservations as unknown as mongo.Collection<Stored<Reservation>>;
  const insert = groupedInsert(col);
  const confirm = groupedUpdateMany<Stored<Reservation>, string>(col, (ids) => ({
    filter: { _id: { $in: [...new Set(ids)] }, state: 'HELD' } as mongo.Filter<Stored<Reservation>>,
    update: { $set: { state: 'CONFIRMED' } },
  }));
  return {
    putReservation: (r) => insert({ _id: r.transactionId, ...r }),
    async moveReservation(id, from, to) {
      const was = await reservations.findOneAndUpdate(
        { _id: id as never, state: { $in: from } },
        { $set: { state: to } },
        { returnDocument: 'before' },
      );
      return strip(was as Stored<Reservation> | null);
    },
    confirmReservation: confirm,
    async markReturned(id, key) {
      const filter = { _id: id, state: 'RELEASED', returned: { $ne: key } } as mongo.Filter<Stored<Reservation>>;
      return (await col.updateOne(filter, { $push: { returned: key } })).modifiedCount === 1;
    },
    getReservation: readByKey<Reservation>(reservations),
  };
}
