import type { WindowTotals } from '../../domain/reserve.js';
import type { WindowStore } from '../ports.js';

/** Window buckets in a map; expired buckets are swept every 10,000 reservations. */
export function memoryWindows(windows: Map<string, WindowTotals & { expiresAtMs: number }>): WindowStore {
  let sweepIn = 10_000;
  const sweep = (now: number) => {
    if (--sweepIn > 0) return;
    sweepIn = 10_000;
    for (const [k, w] of windows) if (w.expiresAtMs < now) windows.delete(k);
  };
  return {
    async reserveWindow(key, amount, maxAmount, maxCount, expiresAtMs) {
      sweep(Date.now());
      const w = windows.get(key) ?? { amount: 0, count: 0, expiresAtMs };
      if (w.amount + amount > maxAmount || w.count + 1 > maxCount) return null;
      const next = { amount: w.amount + amount, count: w.count + 1, expiresAtMs: w.expiresAtMs };
      windows.set(key, next);
      return { amount: next.amount, count: next.count };
    },
    async releaseWindow(key, amount) {
      const w = windows.get(key);
      if (w) windows.set(key, { ...w, amount: w.amount - amount, count: w.count - 1 });
    },
    async getWindow(key) {
      const w = windows.get(key);
      return w ? { amount: w.amount, count: w.count } : null;
    },
  };
}
