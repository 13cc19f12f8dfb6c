import { admitRequest } from '../../domain/rate.js';
import type { RateStore } from '../ports.js';

/** Request allowances in process memory: one arrival time per caller (integrator ids, so bounded). */
export function memoryRates(): RateStore {
  const tats = new Map<string, number>();
  return {
    async takeRate(key, nowMs, allowance) {
      const next = admitRequest(tats.get(key), nowMs, allowance);
      if (next === null) return false;
      tats.set(key, next);
      return true;
    },
  };
}
