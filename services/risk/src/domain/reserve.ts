import type { FeatureStore, ReservationStore, WindowStore } from '../store/ports.js';
import type { PaymentFacts } from './checks.js';
import type { Rules, Tier, WindowId } from './rules.js';

/** No limit on one dimension of a window. */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** One fixed-time bucket of a window that a payment counts in, with the limits of that window. */
export interface WindowClaim {
  window: WindowId;
  /** `<window>|<subject>|<currency>|<bucketSec>|<bucketStartMs>`: one store document per bucket. */
  key: string;
  maxAmount: number;
  maxCount: number;
  /** The end of the bucket: its document may be dropped after this. */
  expiresAtMs: number;
}

/** What a window bucket holds: reserved amount and number of payments. */
export interface WindowTotals {
  amount: number;
  count: number;
}

/**
 * One window as the decision trail shows it: its limits and its totals after (or, when refused, before) this payment.
 */
export interface WindowReport extends WindowTotals {
  window: WindowId;
  key: string;
  maxAmount: number;
  maxCount: number;
  reserved: boolean;
}

/** HELD from the decision, CONFIRMED when the payment posted, RELEASED when it did not post or was reversed. */
export type ReservationState = 'HELD' | 'CONFIRMED' | 'RELEASED';

/** The reservation of one approved (or stepped-up) payment: which buckets it holds, and how much. */
export interface Reservation {
  transactionId: string;
  amount: number;
  keys: string[];
  state: ReservationState;
  atMs: number;
  /** Released: the keys whose windows were given back (each once, `markReturned`). */
  returned?: string[];
}

/** The reservation's part of a decision trail. */
export interface ReservationOutcome {
  reserved: boolean;
  /** The first window that could not take the payment, when not reserved. */
  refused?: WindowId;
  /** When this payment's amount was already held, by an earlier decision on it (the one before its step-up). */
  heldSinceMs?: number;
  windows: WindowReport[];
}

/**
 * Holds amounts against the windows at decision time and lets payment outcomes confirm or release
 * them. Injected at wiring time: the production strategy is `atomicReservations`.
 */
export interface Reservations {
  /**
   * Holds `amount` in every window of `claims`, or none. `mayBeHeld` (the default) says an earlier
   * decision of this transaction may already hold it (the step-up stage): that is read first. A
   * payment's first decision passes false and skips the read; a retried one is still found, by its
   * record's unique insert or, when a window refuses, by reading it then.
   */
  reserve(
    transactionId: string,
    amount: number,
    claims: WindowClaim[],
    now: number,
    mayBeHeld?: boolean,
  ): Promise<ReservationOutcome>;
  confirm(transactionId: string): Promise<void>;
  /**
   * Gives back what the transaction holds. One that holds nothing yet (its outcome overtook the
   * decision's hold) is remembered as released at `atMs`, so a hold that comes later is given back.
   */
  release(transactionId: string, atMs: number): Promise<void>;
}

/** Builds the reservation strategy over the service's store. */
export type ReservationStrategy = (store: FeatureStore) => Reservations;

function claim(
  window: WindowId,
  subject: string,
  bucketSec: number,
  maxAmount: number,
  maxCount: number,
  facts: PaymentFacts,
  now: number,
): WindowClaim {
  const span = bucketSec * 1000;
  const start = Math.floor(now / span) * span;
  return {
    window,
    key: `${window}|${subject}|${facts.currency}|${bucketSec}|${start}`,
    maxAmount,
    maxCount,
    expiresAtMs: start + span,
  };
}

/**
 * The window buckets a payment counts in, for the windows `limits.reserve` lists: per device and
 * per payer a day (the tier's maxPerDay), per device the tier's count window, and the device and
 * payer velocity windows. Buckets are fixed (aligned to the epoch), so one document holds each.
 */
export function windowClaims(facts: PaymentFacts, tier: Tier | null, rules: Rules, now: number): WindowClaim[] {
  const r = rules.rules;
  const t = tier ? rules.tiers[tier] : null;
  const build: Record<WindowId, () => WindowClaim | null> = {
    'device.day': () => (t ? claim('device.day', facts.deviceId, 86_400, t.maxPerDay, UNBOUNDED, facts, now) : null),
    'payer.day': () => (t ? claim('payer.day', facts.payer, 86_400, t.maxPerDay, UNBOUNDED, facts, now) : null),
    'device.tierWindow': () =>
      t ? claim('device.tierWindow', facts.deviceId, t.windowSec, UNBOUNDED, t.maxCountPerWindow, facts, now) : null,
    'device.velocity': () =>
      claim(
        'device.velocity',
        facts.deviceId,
        r['velocity.device'].windowSec,
        r['velocity.device'].maxAmount,
        r['velocity.device'].maxCount,
        facts,
        now,
      ),
    'payer.velocity': () =>
      claim(
        'payer.velocity',
        facts.payer,
        r['velocity.payer'].windowSec,
        r['velocity.payer'].maxAmount,
        r['velocity.payer'].maxCount,
        facts,
        now,
      ),
  };
  return r['limits.reserve'].windows.map((w) => build[w]()).filter((c): c is WindowClaim => c !== null);
}

const report = (c: WindowClaim, totals: WindowTotals, reserved: boolean): WindowReport => ({
  window: c.window,
  key: c.key,
  maxAmount: c.maxAmount,
  maxCount: c.maxCount,
  amount: totals.amount,
  count: totals.count,
  reserved,
});

/**
 * The windows taken, once every take has answered; when one failed (a store error), the ones taken
 * are given back before the error is thrown, so a decision that fails holds nothing it knows of. A
 * take whose failure hides an applied increment keeps it until its bucket expires: refusing near a
 * limit, never admitting past it.
 */
async function takeAll<T>(takes: Promise<T | null>[], giveBack: (took: boolean[]) => Promise<unknown>) {
  const settled = await Promise.allSettled(takes);
  const failed = settled.find((s) => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<T | null>).value);
  await giveBack(settled.map((s) => s.status === 'fulfilled' && s.value !== null)).catch(() => undefined);
  throw failed.reason;
}

/**
 * The production strategy: each bucket takes the payment with one conditional single-document update
 * (`amount + x <= maxAmount` and `count + 1 <= maxCount`, checked and incremented in one step by the
 * store), so concurrent decisions, in one process or in several replicas on one store, can never
 * together go past a limit. If one bucket refuses (or its take fails), the buckets already taken are given back. The
 * reservation record is inserted once per transaction; confirm and release move it by a conditional
 * update, and each window of a release is marked returned before it is given back, so a window is given
 * back once however often the release runs (a redelivery after a cut-off release gives back the rest).
 * A release that finds no
 * record (the transaction service gave up on a late decision, whose hold is still to be written) inserts
 * a RELEASED record in its place: the late hold's insert meets it and gives its windows back, as for any
 * transaction already released, instead of holding them until the buckets expire. A transaction decided
 * again (at the step-up stage, or a retried request) that already holds takes nothing more: it
 * reports the amounts held since its first decision. The step-up stage reads the hold first; a
 * payment's first decision does not (one round trip fewer), and a retried one takes its windows
 * again for a moment, then finds its hold when its record's insert fails or a window refuses, and
 * gives them back: under a retry a concurrent payment can be refused near a limit, never admitted past it.
 */
export function atomicReservations(store: WindowStore & ReservationStore): Reservations {
  const giveBack = (claims: WindowClaim[], amount: number) =>
    Promise.all(claims.map((c) => store.releaseWindow(c.key, amount)));
  const alreadyHeld = async (held: Reservation, claims: WindowClaim[]): Promise<ReservationOutcome> => ({
    reserved: true,
    heldSinceMs: held.atMs,
    windows: await Promise.all(
      claims.map(async (c) =>
        report(c, (await store.getWindow(c.key)) ?? { amount: 0, count: 0 }, held.keys.includes(c.key)),
      ),
    ),
  });
  return {
    async reserve(transactionId, amount, claims, now, mayBeHeld = true) {
      const holding = async () => {
        const held = await store.getReservation(transactionId);
        return held && held.state !== 'RELEASED' ? held : null;
      };
      const before = mayBeHeld ? await holding() : null;
      if (before) return alreadyHeld(before, claims);
      const taken = await takeAll(
        claims.map((c) => store.reserveWindow(c.key, amount, c.maxAmount, c.maxCount, c.expiresAtMs)),
        (took) =>
          giveBack(
            claims.filter((_, i) => took[i]),
            amount,
          ),
      );
      const refusedAt = taken.findIndex((t) => t === null);
      if (refusedAt >= 0) {
        await giveBack(
          claims.filter((_, i) => taken[i] !== null),
          amount,
        );
        // A retried first decision may have met its own hold in a window: it still holds, nothing more.
        const own = mayBeHeld ? null : await holding();
        if (own) return alreadyHeld(own, claims);
        const windows = await Promise.all(
          claims.map(async (c) => report(c, (await store.getWindow(c.key)) ?? { amount: 0, count: 0 }, false)),
        );
        return { reserved: false, refused: claims[refusedAt]!.window, windows };
      }
      const windows = claims.map((c, i) => report(c, taken[i]!, true));
      const fresh = await store.putReservation({
        transactionId,
        amount,
        keys: claims.map((c) => c.key),
        state: 'HELD',
        atMs: now,
      });
      if (fresh) return { reserved: true, windows };
      await giveBack(claims, amount);
      const winner = await holding();
      return winner ? alreadyHeld(winner, claims) : { reserved: true, windows };
    },
    async confirm(transactionId) {
      await store.confirmReservation(transactionId);
    },
    async release(transactionId, atMs) {
      const move = () => store.moveReservation(transactionId, ['HELD', 'CONFIRMED'], 'RELEASED');
      let was = await move();
      // Nothing held yet, or already released: a tombstone for a hold still to come; when a hold was
      // inserted meanwhile, the tombstone's insert fails and that hold is released.
      if (!was && !(await store.putReservation({ transactionId, amount: 0, keys: [], state: 'RELEASED', atMs })))
        was = (await move()) ?? (await store.getReservation(transactionId));
      // Each window given back once, marked first: a release that failed halfway (a store error) and
      // runs again (the event redelivered) gives back the rest, never one twice.
      if (was)
        await Promise.all(
          was.keys.map(async (k) => {
            if (await store.markReturned(transactionId, k)) await store.releaseWindow(k, was!.amount);
          }),
        );
    },
  };
}
