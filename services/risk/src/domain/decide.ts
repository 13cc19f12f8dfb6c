import type { FeatureStore } from '../store/ports.js';
import { assess, conclude, type Assessment, type PaymentFacts } from './assess.js';
import { emptyDevice, emptyParty, payeeKey, payerKey } from './features.js';
import type { DecisionRecord } from './model.js';
import { askOperator, type SimSwapOperator } from './operator.js';
import { atomicReservations, windowClaims, type ReservationOutcome, type Reservations } from './reserve.js';
import type { Rules } from './rules.js';

/** The rules in force and the id (content hash) that decision trails cite. */
export interface RulesInForce {
  id: string;
  rules: Rules;
  loadedAtMs: number;
}

/**
 * Reserves an approved or stepped-up payment against its windows; a window that cannot take it
 * adds the `limits.reserve` hit, which (a veto in the shipped rules) declines the payment.
 */
async function reserve(
  facts: PaymentFacts,
  a: Assessment,
  rules: Rules,
  reservations: Reservations,
  now: number,
): Promise<{ a: Assessment; limits?: ReservationOutcome }> {
  const rule = rules.rules['limits.reserve'];
  if (a.decision === 'DECLINE' || !rule.enabled) return { a };
  const limits = await reservations.reserve(
    facts.transactionId,
    facts.minorUnits,
    windowClaims(facts, a.tier, rules, now),
    now,
    facts.stage === 'step-up',
  );
  if (limits.reserved) return { a, limits };
  const w = limits.windows.find((x) => x.window === limits.refused)!;
  const detail =
    `window ${w.window} holds ${w.amount} in ${w.count} payments; ${facts.minorUnits} more is ` +
    `above its limit of ${w.maxAmount === Number.MAX_SAFE_INTEGER ? 'no amount' : w.maxAmount} ` +
    `/ ${w.maxCount === Number.MAX_SAFE_INTEGER ? 'no count' : `${w.maxCount} payments`}`;
  return {
    a: conclude(a.tier, [...a.hits, { ruleId: 'limits.reserve', weight: rule.weight, veto: rule.veto, detail }], rules),
    limits,
  };
}

/**
 * Reads the payment's features, decides at `now`, reserves the amount of an approved or stepped-up
 * payment against its windows (atomically, in the store), and appends the decision trail. After a
 * confirmed step-up only a veto or the decline threshold still refuses. A trail already stored for
 * this transaction and stage is never replaced: the first decision is returned instead.
 */
export async function decide(
  facts: PaymentFacts,
  store: FeatureStore,
  rules: RulesInForce,
  now: number,
  reservations: Reservations = atomicReservations(store),
  operator?: SimSwapOperator,
): Promise<DecisionRecord> {
  const [device, payer, payee] = await Promise.all([
    store.getDevice(facts.deviceId),
    store.getParty(payerKey(facts.payer)),
    store.getParty(payeeKey(facts.payee)),
  ]);
  const answer = await askOperator(facts, device, rules.rules, operator);
  const assessed = assess(
    facts,
    {
      device: device ?? emptyDevice(facts.deviceId),
      payer: payer ?? emptyParty(payerKey(facts.payer)),
      payee: payee ?? emptyParty(payeeKey(facts.payee)),
      ...(answer ? { operator: answer } : {}),
    },
    rules.rules,
    now,
  );
  const { a, limits } = await reserve(facts, assessed, rules.rules, reservations, now);
  const stage = facts.stage ?? 'payment';
  const decision = stage === 'step-up' && a.decision === 'STEP_UP' ? 'APPROVE' : a.decision;
  const rec: DecisionRecord = {
    transactionId: facts.transactionId,
    atMs: now,
    deviceId: facts.deviceId,
    payer: facts.payer,
    payee: facts.payee,
    amount: { minorUnits: facts.minorUnits, currency: facts.currency },
    requestedTier: facts.tier,
    stage,
    tier: a.tier,
    decision,
    score: a.score,
    ruleIds: a.ruleIds,
    hits: a.hits,
    reason: a.reason,
    rulesetId: rules.id,
    ...(answer ? { operator: answer } : {}),
    ...(limits ? { limits } : {}),
    ...(decision === 'DECLINE' && a.ruleIds.includes('sim.operatorUnavailable')
      ? { code: 'SIM_SWAP_CHECK_UNAVAILABLE' }
      : {}),
  };
  return store.appendDecision(rec);
}
