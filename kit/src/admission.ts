import { DfsError } from './errors.js';

/** A bounded in-flight budget: work beyond it is refused at once instead of queueing. */
export interface Admission {
  /** Runs `work` if a slot is free, else throws OVERLOADED (RESOURCE_EXHAUSTED) with a retry hint. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Calls running now. */
  readonly inFlight: number;
  /** Calls refused so far. */
  readonly refused: number;
}

const MIN_HINT_MS = 10;
const MAX_HINT_MS = 2000;

/**
 * Admission control for one service's payment path: at most `limit` calls at once. A refusal
 * happens before any work, so a refused call leaves no state behind; its retry hint is the recent
 * mean time an admitted call took (when a slot is likely to free), within 10 ms and 2 s.
 */
export function admission(limit: number): Admission {
  let inFlight = 0;
  let refused = 0;
  let meanMs = MIN_HINT_MS;
  return {
    async run(work) {
      if (inFlight >= limit) {
        refused += 1;
        const retryAfterMs = Math.round(Math.min(MAX_HINT_MS, Math.max(MIN_HINT_MS, meanMs)));
        throw new DfsError('OVERLOADED', `${inFlight} calls in flight (budget ${limit})`, { retryAfterMs });
      }
      inFlight += 1;
      const started = performance.now();
      try {
        return await work();
      } finally {
        inFlight -= 1;
        meanMs += (performance.now() - started - meanMs) / 16;
      }
    },
    get inFlight() {
      return inFlight;
    },
    get refused() {
      return refused;
    },
  };
}
