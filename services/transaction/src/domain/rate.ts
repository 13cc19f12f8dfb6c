/**
 * An integrator's request allowance as GCRA (the generic cell rate algorithm): the same limit as a
 * token bucket of `perSec` tokens a second holding up to `burst`, kept as one number per caller, its
 * theoretical arrival time (`tat`). One number changed by conditional writes lets every replica on one
 * store share the limit: N replicas allow the rate once, not N times.
 */
export interface RateAllowance {
  /** Time one request uses up: 1000 / perSec ms. */
  intervalMs: number;
  /** How far ahead of now the arrival time may run: (burst - 1) intervals. */
  toleranceMs: number;
}

/** The allowance of `perSec` requests a second with bursts of up to `burst`. */
export function rateAllowance(perSec: number, burst: number): RateAllowance {
  const intervalMs = 1000 / perSec;
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/** The caller's next arrival time if a request at `nowMs` is allowed (the last was `tat`), else null. */
export function admitRequest(tat: number | undefined, nowMs: number, a: RateAllowance): number | null {
  const from = Math.max(tat ?? nowMs, nowMs);
  return from - nowMs <= a.toleranceMs ? from + a.intervalMs : null;
}
