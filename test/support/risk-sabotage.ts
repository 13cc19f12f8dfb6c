import type { NetworkEvents } from '../../services/mno/src/events/network-events.js';
import type { SimSwapOperator } from '../../services/risk/src/domain/operator.js';
import type { ReservationStrategy } from '../../services/risk/src/domain/reserve.js';

/**
 * Sabotage by injection: a reservation strategy that holds nothing and refuses nothing, so every
 * decision is judged only against the windows learned from posted events (the control switched off).
 * Injected as `controls.risk.reservations` of `startStack` (or `reservations` of `startRisk`).
 */
export const unboundedReservations: ReservationStrategy = () => ({
  async reserve(_transactionId, _amount, claims) {
    return {
      reserved: true,
      windows: claims.map((c) => ({
        window: c.window,
        key: c.key,
        maxAmount: c.maxAmount,
        maxCount: c.maxCount,
        amount: 0,
        count: 0,
        reserved: false,
      })),
    };
  },
  async confirm() {},
  async release() {},
});

/**
 * Sabotage by injection: an operator that never reports a swap,
 * in place of the CAMARA client (`controls.risk.operator`).
 */
export const blindOperator: SimSwapOperator = { check: async () => ({ swapped: false }) };

/** Sabotage by injection: the operator's network events go nowhere (`controls.mno.events`). */
export const silentNetwork: NetworkEvents = { simChanged: async () => {} };
