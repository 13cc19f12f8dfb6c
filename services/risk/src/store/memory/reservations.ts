import type { BoundedMap } from '../../../../../kit/src/bounded-map.js';
import type { Reservation } from '../../domain/reserve.js';
import type { ReservationStore } from '../ports.js';

/** Reservation records in a bounded map, one per transaction. */
export function memoryReservations(reservations: BoundedMap<string, Reservation>): ReservationStore {
  const move: ReservationStore['moveReservation'] = async (id, from, to) => {
    const r = reservations.get(id);
    if (!r || !from.includes(r.state)) return null;
    reservations.set(id, { ...r, state: to });
    return r;
  };
  return {
    async putReservation(r) {
      if (reservations.has(r.transactionId)) return false;
      reservations.set(r.transactionId, { ...r });
      return true;
    },
    moveReservation: move,
    async confirmReservation(id) {
      await move(id, ['HELD'], 'CONFIRMED');
    },
    async markReturned(id, key) {
      const r = reservations.get(id);
      if (r?.state !== 'RELEASED' || r.returned?.includes(key)) return false;
      reservations.set(id, { ...r, returned: [...(r.returned ?? []), key] });
      return true;
    },
    async getReservation(id) {
      return reservations.get(id) ?? null;
    },
  };
}
