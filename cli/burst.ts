import type { Backend } from '../device-sim/src/daemon/backend.js';
import type { FinalPaymentResult } from '../contracts/results.js';
import type { Phone } from '../device-sim/src/phone.js';
import type { PhoneUser } from '../device-sim/src/ui/native-ui.js';
import { errorCodeOf } from '../kit/src/grpc-client.js';
import type { World } from './world.js';

/** What one payment of a burst came to: the signed result, or the error code the phone got. */
export type BurstOutcome = { result: FinalPaymentResult } | { code: string };

/**
 * A phone whose payments can be fired at once: each is confirmed and PIN-signed on the native UI in
 * turn (the eSE opens one signature per PIN), then held on the wire until the last one is signed,
 * and all are sent together. The holder confirms payments but not the risk step-up.
 */
export async function burstPhone(world: World, pin = '2580') {
  let armed = false;
  let turn: Promise<void> = Promise.resolve();
  const passes: (() => void)[] = [];
  let expected = 0;
  let held = 0;
  let go: () => void = () => {};
  let gate = new Promise<void>((r) => {
    go = r;
  });
  const user: PhoneUser = {
    confirm: async (f) => f.lines[0] !== 'Extra check: confirm',
    async enterPin() {
      if (!armed) return pin;
      const mine = turn;
      turn = new Promise((r) => {
        passes.push(r);
      });
      await mine;
      return pin;
    },
  };
  const wrap = (b: Backend): Backend => ({
    ...b,
    connect: (tls) => {
      const ch = b.connect(tls);
      return {
        ...ch,
        async submitPayment(req) {
          if (armed) {
            passes.shift()?.();
            if (++held === expected) go();
            await gate;
          }
          return ch.submitPayment(req);
        },
      };
    },
  });
  const phone: Phone = await world.phone('secure', { pin, user, wrap });
  return {
    phone,
    /**
     * Pays `count` payments of `minorUnits` to `payee`, all reaching the backend at once. The
     * attacker keeps resending what admission control refuses (OVERLOADED), so what holds the day
     * limit is shown to be the risk reservation, not overload protection.
     */
    async fire(count: number, payee: string, minorUnits: number, currency = 'KES'): Promise<BurstOutcome[]> {
      armed = true;
      expected = count;
      held = 0;
      gate = new Promise<void>((r) => {
        go = r;
      });
      try {
        return await Promise.all(
          Array.from({ length: count }, () =>
            phone.daemon.pay({ payee, amount: { minorUnits: String(minorUnits), currency }, overloadRetries: 50 }).then(
              (result): BurstOutcome => ({ result }),
              (err: unknown): BurstOutcome => ({ code: errorCodeOf(err) }),
            ),
          ),
        );
      } finally {
        armed = false;
      }
    },
  };
}

/** The amount that posted in a burst, by the backend's signed results. */
export const postedSum = (outcomes: BurstOutcome[]): number =>
  outcomes.reduce(
    (s, o) => s + ('result' in o && o.result.status === 'POSTED' ? Number(o.result.amount.minorUnits) : 0),
    0,
  );
