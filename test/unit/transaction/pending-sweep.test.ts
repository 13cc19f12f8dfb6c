import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../kit/src/log.js';
import {
  LIVE_COMPLETION_MS,
  recoverPending,
  submitPayment,
} from '../../../services/transaction/src/domain/payments.js';
import { sweepPending } from '../../../services/transaction/src/events/pending-sweep.js';
import { crashingHarness } from './harness.js';

const SWEEP_AFTER_MS = 60_000; // PENDING_RECOVERY_SEC's default

afterEach(() => {
  vi.useRealTimers();
});

describe('the pending sweep after a restart', () => {
  it(
    'rolls forward a transfer a crash left just before the start once the live bound has passed, ' +
      'not a periodic sweep later (the catch-up pass switched off leaves it pending)',
    async () => {
      for (const catchUpMs of [LIVE_COMPLETION_MS, SWEEP_AFTER_MS]) {
        const { h, inner, crash } = await crashingHarness();
        const p = await h.phone(10_000);
        const m = await h.merchant();
        crash.on = true;
        await expect(submitPayment(await p.sign(p.payment(m, 2_500)), p.token, p.peer, h.deps)).rejects.toThrow();
        const [left] = await inner.listPending();

        // The restart, one second later: the start-up pass leaves the young transfer alone.
        vi.useFakeTimers();
        h.clock.now += 1_000;
        const deps = {
          store: inner,
          resultKey: h.deps.resultKey,
          now: h.deps.now,
          log: createLogger('test', 'silent'),
        };
        expect(await recoverPending(deps, LIVE_COMPLETION_MS)).toBe(0);
        const sweeper = sweepPending(deps, SWEEP_AFTER_MS, catchUpMs);
        h.clock.now += LIVE_COMPLETION_MS;
        await vi.advanceTimersByTimeAsync(LIVE_COMPLETION_MS);
        await sweeper.stop();
        const state = (await inner.getTransfer(left!.id))?.state;
        const merchant = (await inner.getAccount(m))?.balance;
        if (catchUpMs === LIVE_COMPLETION_MS) expect([state, merchant]).toEqual(['POSTED', 2_500]);
        else expect([state, merchant]).toEqual(['PENDING', 0]);
        vi.useRealTimers();
      }
    },
  );
});
