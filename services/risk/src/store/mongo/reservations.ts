import type { mongo } from 'mongoose';
import { groupedInsert, groupedUpdate } from '../../../../../kit/src/mongo-batch.js';
import type { Reservation } from '../../domain/reserve.js';
import type { ReservationStore } from '../ports.js';
import { readByKey, strip, type RiskModels, type Stored } from './models.js';

/**
 * Reservation records on MongoDB, inserted once per transaction and moved by conditional updates;
 * the inserts of concurrent decisions go as one command, and so do the confirmations of concurrent postings.
 */
export function mongoReservations(reservations: RiskModels['reservations']): ReservationStore {
  const col = reservations as unknown as mongo.Collection<Stored<Reservation>>;
  const insert = groupedInsert(col);
  const update = groupedUpdate(col);
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
    confirmReservation: (id) =>
      update({ filter: { _id: id, state: 'HELD' }, update: { $set: { state: 'CONFIRMED' } } }),
    getReservation: readByKey<Reservation>(reservations),
  };
}
