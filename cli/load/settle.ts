import { errorCodeOf } from '../../kit/src/grpc-client.js';
import type { PaymentResult } from '../../contracts/results.js';
import type { SeenPayment } from './invariants.js';

/** Asks, as the paying phone would, for the final answer on one payment (one that never arrived is abandoned). */
export type Settle = (p: SeenPayment) => Promise<PaymentResult>;

/** Codes after which asking again later may give an answer. */
const ASK_AGAIN = new Set(['TRANSACTION_IN_PROGRESS', 'GRPC_DEADLINE_EXCEEDED', 'GRPC_UNAVAILABLE', 'UNAVAILABLE']);

/**
 * Settles the payments whose outcome the generator never learned (every send failed in transit):
 * each phone asks the backend for the final answer by idempotency key (`AbandonPayment`), and the
 * answer replaces the unknown. A payment that had not arrived is recorded as abandoned, so a copy
 * still queued in a busy stack cannot post after the check: FAILED. One still in progress is
 * asked again for up to `waitMs`; what stays unknown is counted, and fails the correctness check.
 * `concurrency` lookups run at once (a stack that fell behind answers each one slowly).
 */
export async function settleUnknown(
  seen: SeenPayment[],
  settleOne: Settle,
  waitMs = 120_000,
  pauseMs = 500,
  concurrency = 16,
): Promise<{ settled: number; unknown: number }> {
  const open = seen.filter((p) => p.status === 'ERROR');
  const queue = [...open];
  const until = Date.now() + waitMs;
  let settled = 0;
  const settle = async (p: SeenPayment) => {
    for (;;) {
      try {
        const r = await settleOne(p);
        p.status = r.status === 'POSTED' || r.status === 'DECLINED' ? r.status : 'FAILED';
        p.transactionId = r.transactionId;
        settled += 1;
        break;
      } catch (err) {
        if (!ASK_AGAIN.has(errorCodeOf(err)) || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await settle(p);
    }),
  );
  return { settled, unknown: open.length - settled };
}
