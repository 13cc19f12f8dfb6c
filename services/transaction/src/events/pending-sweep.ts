import type { Logger } from '../../../../kit/src/log.js';
import { recoverPending } from '../domain/payments.js';

type SweepDeps = Parameters<typeof recoverPending>[0] & { log: Logger };

/**
 * Rolls forward transfers left PENDING, which nothing else would finish before a restart: every
 * `afterMs / 2` those older than `afterMs` (a store write failed mid-posting and the phone got
 * INTERNAL), and once, `liveMs` after start-up, those older than `liveMs`: a crash just before the
 * start leaves transfers too young for the start-up pass (they could have been another replica's
 * payments in flight), and without this pass they would wait `afterMs` for the periodic one.
 */
export function sweepPending(deps: SweepDeps, afterMs: number, liveMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const pass = (olderThanMs: number) => {
    running ??= recoverPending(deps, olderThanMs)
      .then((n) => {
        if (n) deps.log.warn({ recovered: n }, 'rolled forward transfers left pending');
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'pending sweep failed; next sweep retries'))
      .finally(() => {
        running = undefined;
      });
  };
  const catchUp = setTimeout(() => pass(liveMs), liveMs);
  const timer = setInterval(() => pass(afterMs), afterMs / 2);
  catchUp.unref();
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(catchUp);
      clearInterval(timer);
      await running;
    },
  };
}
