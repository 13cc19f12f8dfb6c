import type { mongo } from 'mongoose';
import { groupedInsert } from '../../../../../kit/src/mongo-batch.js';
import type { Reservation } from '../../domain/reserve.js';
import type { ReservationStore } from '../ports.js';
import { readByKey, strip, type RiskModels, type Stored } from './models.js';

/** Reservation records on MongoDB, inserted once per transaction and moved by conditional updates. */
export function mongoReservations(reservations: RiskModels['reservations']): ReservationStore {
  const insert = groupedInsert(reservations as unknown as mongo.Collection<Stored<Reservation>>);
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
    getReservation: readByKey<Reservation>(reservations),
  };
}
