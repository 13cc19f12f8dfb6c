import type { CallbackDelivery } from '../../domain/model.js';
import type { CallbackStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Integrator callbacks in process memory. */
export function memoryCallbacks(): CallbackStore {
  const callbacks = new Map<string, CallbackDelivery>();
  return {
    async addCallback(c) {
      if (callbacks.has(c.id)) return false;
      callbacks.set(c.id, copy(c));
      return true;
    },
    async dueCallbacks(nowMs, limit) {
      return [...callbacks.values()]
        .filter((c) => c.state === 'PENDING' && c.nextAtMs <= nowMs)
        .sort((a, b) => a.nextAtMs - b.nextAtMs)
        .slice(0, limit)
        .map(copy);
    },
    async claimCallback(id, dueAtMs, untilMs) {
      const c = callbacks.get(id);
      if (c?.state !== 'PENDING' || c.nextAtMs !== dueAtMs) return false;
      c.nextAtMs = untilMs;
      return true;
    },
    async settleCallback(id, claimedUntilMs, next) {
      const c = callbacks.get(id);
      if (c?.state !== 'PENDING' || c.nextAtMs !== claimedUntilMs) return false;
      Object.assign(c, next);
      return true;
    },
    async getCallback(id) {
      const c = callbacks.get(id);
      return c ? copy(c) : null;
    },
  };
}
