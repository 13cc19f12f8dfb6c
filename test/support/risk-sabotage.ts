import type { ReservationStrategy } from '../../services/risk/src/domain/reserve.js';

/**
 * Sabotage by injection: a reservation strategy that holds nothing and refuses nothing, so every
 * decision is judged only against the windows learned from posted events (the control switched off).
 */
export const unboundedReservations: ReservationStrategy = () => ({
  async reserve(_transactionId, _amount, claims) {
    return { reserved: true, windows: claims.map((c) => ({ window: c.window, key: c.key, maxAmount: c.maxAmount, maxCount: c.maxCount, amount: 0, count: 0, reserved: false })) };
  },
  async confirm() {},
  async release() {},
});
