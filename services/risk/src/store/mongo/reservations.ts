import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { Reservation } from '../../domain/reserve.js';
import type { ReservationStore } from '../ports.js';
import { strip, type RiskModels, type Stored } from './models.js';

/** Reservation records on MongoDB, inserted once per transaction and moved by conditional updates. */
export function mongoReservations(reservations: RiskModels['reservations']): ReservationStore {
  return {
    async putReservation(r) {
      try {
        await reservations.insertOne({ _id: r.transactionId as never, ...r });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async moveReservation(id, from, to) {
      const was = await reservations.findOneAndUpdate(
        { _id: id as never, state: { $in: from } },
        { $set: { state: to } },
        { returnDocument: 'before' },
      );
      return strip(was as Stored<Reservation> | null);
    },
    async getReservation(id) {
      return strip((await reservations.findOne({ _id: id as never })) as Stored<Reservation> | null);
    },
  };
}
