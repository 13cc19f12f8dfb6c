import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DfsError, isErrorCode } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Peer } from '../../../../kit/src/tls.js';
import { inSpan } from '../../../../kit/src/tracing.js';
import type { Transfer } from './model.js';
import type { LedgerStore } from '../store/ports.js';
import { authorizePayment, issuedAtMs, type AuthorizeDeps } from './authorize.js';
import { paymentEvent } from './events.js';
import { checkAccounts, postTransfer } from './ledger.js';
import { wire } from './money.js';
import { claimRequestFor, matchRequest } from './requests.js';
import { signResult, transferPayload } from './results.js';

/** What the risk service answered (or what failing closed decided). */
export interface RiskAnswer {
  decision: 'APPROVE' | 'STEP_UP' | 'DECLINE';
  ruleIds: string[];
  reason: string;
  /** Set when risk refused by failing closed (an outside check it could not make), not by its rules. */
  code?: string;
}

export interface PaymentDeps extends AuthorizeDeps {
  store: LedgerStore;
  resultKey: () => SigningKey;
  /** Asks risk about a transfer; `stage` 'step-up' when the phone confirmed a held payment. */
  assessRisk: (t: Transfer, tier: string, stage?: 'payment' | 'step-up') => Promise<RiskAnswer>;
  /** What a step-up confirmation must pass before it posts (injected; recheckDeviceAndRisk in production). */
  recheckStepUp: RecheckStepUp;
  /** When risk is late, payments strictly below this many minor units still pass (0: none do). */
  riskFailOpenMaxMinor: number;
  stepUpTtlMs: number;
  /** Told once per transfer when it reaches its final state (metrics, the outcome log line). */
  onFinal?: (t: Transfer, state: Exclude<Transfer['state'], 'PENDING'>, code: string | null) => void;
  /** How long a transfer is left to the process that created it before recovery may take it up. */
  liveCompletionMs?: number;
}

/** Decides a confirmed step-up again: the device's standing, then risk; throws when it must not post now. */
export type RecheckStepUp = (
  t: Transfer,
  claims: { sub: string; iat: number; iatMs?: number; tier: string },
) => Promise<RiskAnswer>;

/**
 * The production step-up re-check: the device must still stand (a revocation since the payment was
 * held refuses the confirmation), and risk decides again with the step-up satisfied (only a veto or
 * the decline threshold can still refuse). A risk service that does not answer refuses (RISK_UNAVAILABLE).
 */
export function recheckDeviceAndRisk(deps: Pick<PaymentDeps, 'checkDevice' | 'assessRisk'>): RecheckStepUp {
  return async (t, claims) => {
    await deps.checkDevice(claims.sub, issuedAtMs(claims));
    try {
      return await deps.assessRisk(t, claims.tier, 'step-up');
    } catch (err) {
      throw new DfsError('RISK_UNAVAILABLE', 'no risk answer for the step-up', { cause: err });
    }
  };
}

type Finisher = Pick<PaymentDeps, 'store' | 'resultKey' | 'now' | 'onFinal'>;

/**
 * How long a transfer is left to the process that created it before recovery (at start-up and the
 * sweep, on any replica) may take it up: a payment still waiting for risk is not yet claimed, so a
 * replica that starts while another serves must not fail it.
 */
export const LIVE_COMPLETION_MS = 10_000;

function refusalOf(t: Transfer): string {
  if (!t.risk) return 'RISK_UNAVAILABLE';
  if (t.risk.decision === 'STEP_UP') return 'STEP_UP_EXPIRED';
  return t.risk.code && isErrorCode(t.risk.code) ? t.risk.code : 'RISK_DECLINED';
}

/**
 * Carries a pending transfer to its end: post it if risk approved (and no `refusal` applies), sign
 * the result, store it with the final state, settle a linked request or return reservation, and
 * queue the events. Used by new payments, step-ups, returns and recovery alike.
 *
 * Two completions of one transfer (a payment still finishing while a recovery sweep, of this replica
 * or another, takes it up) must not both post: the first clears the idempotency markers of the debit
 * and credit when it ends, so a second one that started from a stale PENDING copy would move the
 * money again. So every completion first claims the transfer (one conditional write: still PENDING,
 * held by no other completion) for CLAIM_HOLD_MS, longer than any completion takes; one that finds
 * it held answers with the stored result. The creator claims too, however young its payment: a
 * creator that skipped the claim while its payment was young, then stalled in its posting past the
 * live bound (a store failing over), met a recovery that posted the payment and cleared its markers,
 * and then moved the money a second time. A completion that fails gives its claim back, so that the
 * sweep rolls the transfer forward without waiting out the hold; a crashed one holds it until then.
 */
export async function completeTransfer(
  t: Transfer,
  deps: Finisher,
  refusal?: string,
  afterClaim?: () => Promise<unknown>,
): Promise<string> {
  const now = deps.now();
  const until = now + CLAIM_HOLD_MS;
  // The claim also records the transfer's risk answer: no separate write for it.
  if (!(await deps.store.claimRecovery(t.id, now, until, t.risk ?? undefined))) return storedResult(t.id, deps.store);
  return completeClaimed(t, deps, until, refusal, afterClaim);
}

/**
 * Completes a transfer this completion claimed until `until` (first running `afterClaim`, what must
 * follow the claim), giving the claim back if anything fails.
 */
async function completeClaimed(
  t: Transfer,
  deps: Finisher,
  until: number,
  refusal?: string,
  afterClaim?: () => Promise<unknown>,
): Promise<string> {
  try {
    await afterClaim?.();
    return await finish(t, deps, until, refusal);
  } catch (err) {
    await deps.store.releaseRecovery(t.id, until).catch(() => undefined);
    throw err;
  }
}

async function finish(t: Transfer, deps: Finisher, until: number, refusal?: string): Promise<string> {
  const now = deps.now();
  let state: 'POSTED' | 'FAILED' | 'DECLINED';
  let code: string | null = refusal ?? null;
  const extra: Record<string, unknown> = {};
  if (t.decided) ({ state, code } = t.decided);
  else if (refusal) state = 'FAILED';
  else if (t.risk?.decision !== 'APPROVE') {
    state = t.risk ? 'DECLINED' : 'FAILED';
    code = refusalOf(t);
  } else {
    const outcome = await inSpan('transaction', 'ledger.post', { attributes: { 'dfs.transfer.kind': t.kind } }, () =>
      postTransfer(deps.store, t, now),
    );
    state = outcome.status;
    if (outcome.status === 'POSTED')
      Object.assign(extra, {
        journalSeq: outcome.journalSeq,
        payerBalance: wire({ minorUnits: outcome.payerBalance, currency: t.currency }),
      });
    else code = outcome.code;
  }
  // An outcome that does not post is recorded before anything announces it: decided again by a later
  // completion (a recovery after a failed write below), a debit refused for funds could pass and the
  // payment post after its failure was announced. Lost the claim meanwhile: the holder answers.
  if (state !== 'POSTED' && !t.decided && !(await deps.store.decideTransfer(t.id, until, { state, code })))
    return storedResult(t.id, deps.store);
  const result = await signResult(transferPayload(t, state, code, extra), deps.resultKey(), now);
  // Before the final state, and idempotent, so that a crash in between cannot lose them: recovery
  // repeats them, and the final event keeps one id per transfer for consumers to deduplicate.
  if (t.requestId) await deps.store.finishRequest(t.requestId, t.id, state === 'POSTED' ? 'COMPLETED' : state);
  const isReturn = t.kind === 'reversal' || t.kind === 'refund';
  // A return that did not post gives back what it reserved on the original, if it reserved anything
  // (a crash may have come before or after its reservation): the store knows by the return's id.
  if (isReturn && state !== 'POSTED') await deps.store.releaseReturn(t.originalId!, t.amount, t.id);
  const final = paymentEvent(
    state === 'POSTED'
      ? isReturn
        ? 'payment.reversed'
        : 'payment.posted'
      : state === 'DECLINED'
        ? 'payment.declined'
        : 'payment.failed',
    t,
    now,
    { code, risk: t.risk },
  );
  await deps.store.addOutbox([{ ...final, id: finalEventId(t.id) }]);
  if (await deps.store.finishTransfer(t.id, state, code, result)) {
    // Final now: the markers only kept the debit and credit from applying twice, so a clearing that
    // fails leaves inert markers behind rather than failing a payment that posted.
    await deps.store.clearApplied([t.payer, t.payee], t.id).catch(() => undefined);
    deps.onFinal?.(t, state, code);
    return result;
  }
  const finished = await deps.store.getTransfer(t.id);
  return finished!.result!;
}

/**
 * The id of a transfer's final event (posted, failed, declined, reversed): the same on every attempt,
 * shaped as a UUID like every other event id (RFC 9562 version 8, from a SHA-256 of the transfer id).
 */
export function finalEventId(transferId: string): string {
  const h = createHash('sha256').update(`dfs-final-event:${transferId}`).digest('hex');
  const variant = (8 | (parseInt(h[16]!, 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Waits for a concurrent twin to finish (or to wait for its step-up) and returns its stored answer
 * byte for byte. It asks the store again after 10 ms, then twice as long each time up to 500 ms, for
 * about 10 s in all: under overload many resends wait at once, and a fixed fast poll from each would
 * add load to the very store that is behind. Then TRANSACTION_IN_PROGRESS: the phone asks later.
 */
export async function storedResult(id: string, store: LedgerStore, budgetMs = 10_000): Promise<string> {
  for (let waited = 0, pause = 10; waited < budgetMs; waited += pause, pause = Math.min(pause * 2, 500)) {
    const t = await store.getTransfer(id);
    if (t?.result) return t.result;
    if (t?.stepUp) return t.stepUp.interim;
    await new Promise((r) => setTimeout(r, pause));
  }
  throw new DfsError('TRANSACTION_IN_PROGRESS', 'idempotent twin did not finish');
}

/** Asks risk; when it is late or fails, only amounts below the configured fail-open limit pass (default none). */
async function decideRisk(t: Transfer, tier: string, deps: PaymentDeps): Promise<RiskAnswer | null> {
  try {
    return await deps.assessRisk(t, tier);
  } catch {
    return t.amount < deps.riskFailOpenMaxMinor
      ? {
          decision: 'APPROVE',
          ruleIds: ['risk.failOpen'],
          reason: 'risk did not answer; amount below RISK_FAILOPEN_MAX_MINOR',
        }
      : null;
  }
}

/** Holds a transfer for a step-up: a fresh challenge the daemon must sign after a new PIN verification. */
async function holdForStepUp(t: Transfer, deps: PaymentDeps): Promise<string> {
  const now = deps.now();
  const challenge = randomBytes(32).toString('base64url');
  const expiresAtMs = now + deps.stepUpTtlMs;
  const interim = await signResult(
    transferPayload(t, 'STEP_UP_REQUIRED', null, { challenge, challengeExpiresAtMs: expiresAtMs }),
    deps.resultKey(),
    now,
  );
  if (!(await deps.store.setStepUp(t.id, { challenge, expiresAtMs, interim }))) return storedResult(t.id, deps.store);
  await deps.store.addOutbox([paymentEvent('payment.step_up_required', t, now, { risk: t.risk })]);
  return interim;
}

/**
 * A signed payment from a phone (brief §3.4): authorize, enforce idempotency per payer, ask risk,
 * post, and answer with a backend-signed result. A retry with the same key and payload gets the
 * first result byte for byte; the same key with another payload is IDEMPOTENCY_KEY_REUSED. A
 * payment answering a request to pay must match it and claims it once.
 */
export async function submitPayment(
  signedPayment: string,
  token: string,
  peer: Peer,
  deps: PaymentDeps,
): Promise<string> {
  const p = await authorizePayment(signedPayment, token, peer, deps);
  await checkAccounts(deps.store, p.payer, p.payee, p.money.currency, p.deviceId);
  if (p.requestId) await matchRequest(deps.store, p.requestId, p);
  const now = deps.now();
  const draft: Transfer = {
    id: randomUUID(),
    payer: p.payer,
    payee: p.payee,
    amount: p.money.minorUnits,
    currency: p.money.currency,
    idempotencyKey: p.idempotencyKey,
    requestHash: p.requestHash,
    deviceId: p.deviceId,
    kind: 'payment',
    state: 'PENDING',
    risk: null,
    code: null,
    result: null,
    createdAtMs: now,
    requestId: p.requestId,
    jkt: p.jkt,
    tier: p.tier,
  };
  const { created, transfer } = await deps.store.insertTransfer(draft);
  if (!created) {
    if (transfer.requestHash !== p.requestHash && transfer.code !== 'PAYMENT_ABANDONED')
      throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return storedResult(transfer.id, deps.store);
  }
  await deps.store.addOutbox([paymentEvent('payment.requested', transfer, now, { tier: p.tier })]);
  if (p.requestId) {
    const refusal = await claimRequestFor(deps.store, p.requestId, transfer.id, now);
    if (refusal) return completeTransfer(transfer, deps, refusal);
  }
  const risk = await decideRisk(transfer, p.tier, deps);
  transfer.risk = risk;
  if (risk?.decision === 'STEP_UP') {
    await deps.store.setRisk(transfer.id, risk);
    return holdForStepUp(transfer, deps);
  }
  // The answer is stored with the completion's claim; the approval is queued once the claim holds.
  const approved = risk?.decision === 'APPROVE' && paymentEvent('payment.approved', transfer, now, { risk });
  return completeTransfer(transfer, deps, undefined, approved ? () => deps.store.addOutbox([approved]) : undefined);
}

/**
 * The final answer for a payer's payment key, for a phone that gave up waiting: the stored result
 * if the payment arrived (TRANSACTION_IN_PROGRESS while it is being processed); otherwise the key is
 * claimed by an empty transfer finished as FAILED / PAYMENT_ABANDONED, so a copy of the payment still
 * in transit meets the unique (payer, key) index and gets this answer instead of posting. The claim
 * and the payment race on one unique insert: exactly one wins, on every store.
 */
export async function abandonPayment(
  payer: string,
  idempotencyKey: string,
  deviceId: string,
  deps: Finisher,
): Promise<string> {
  const answer = (t: Transfer) => {
    const done = t.result ?? t.stepUp?.interim;
    if (!done) throw new DfsError('TRANSACTION_IN_PROGRESS');
    return done;
  };
  const known = await deps.store.findTransfer(payer, idempotencyKey);
  if (known) return answer(known);
  const claim: Transfer = {
    id: randomUUID(),
    payer,
    payee: '',
    amount: 0,
    currency: '',
    idempotencyKey,
    requestHash: '',
    deviceId,
    kind: 'payment',
    state: 'PENDING',
    risk: null,
    code: null,
    result: null,
    createdAtMs: deps.now(),
  };
  const { created, transfer } = await deps.store.insertTransfer(claim);
  return created ? completeTransfer(transfer, deps, 'PAYMENT_ABANDONED') : answer(transfer);
}

/** How long a completion holds the transfer it claimed: longer than any completion takes. */
const CLAIM_HOLD_MS = 5 * 60_000;

/**
 * Rolls every transfer left PENDING by a crash or a failed store write forward to its final state;
 * a transfer still waiting for an unexpired step-up keeps waiting. `olderThanMs` leaves alone
 * transfers younger than that, which may still be in flight (the periodic sweep; 0 at start-up).
 * Each transfer is first claimed (`claimRecovery`), so that the recoveries of several replicas,
 * running at the same moment, never complete one transfer twice. One whose completion fails does not
 * hold up the others: the pass goes on, then throws the first failure.
 */
export async function recoverPending(deps: Finisher, olderThanMs = 0): Promise<number> {
  const now = deps.now();
  const stale = (t: Transfer) => t.createdAtMs <= now - olderThanMs && (!t.stepUp || t.stepUp.expiresAtMs < now);
  let recovered = 0;
  let failed: { err: unknown } | undefined;
  for (const t of (await deps.store.listPending()).filter(stale)) {
    if (!(await deps.store.claimRecovery(t.id, now, now + CLAIM_HOLD_MS, undefined, 'any'))) continue;
    try {
      // Read again once held: the list may be older than an outcome another completion decided since.
      const held = (await deps.store.getTransfer(t.id)) ?? t;
      await completeClaimed(held, deps, now + CLAIM_HOLD_MS);
      recovered += 1;
    } catch (err) {
      failed ??= { err };
    }
  }
  if (failed) throw failed.err;
  return recovered;
}
