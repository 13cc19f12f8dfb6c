import { CHECKS, type CheckContext, type CheckedRuleId, type PaymentFacts } from './checks.js';
import type { DeviceFeatures, PartyFeatures } from './features.js';
import type { OperatorAnswer } from './operator.js';
import { TIERS, type RuleId, type Rules, type Tier } from './rules.js';

export type { PaymentFacts } from './checks.js';
export type Decision = 'APPROVE' | 'STEP_UP' | 'DECLINE';

/** One rule that fired, with what it weighed and why. */
export interface Hit {
  ruleId: RuleId;
  weight: number;
  veto: boolean;
  detail: string;
}

/** A decision with its trail: the tier used, every rule that fired, the score and a readable reason. */
export interface Assessment {
  decision: Decision;
  tier: Tier | null;
  score: number;
  ruleIds: RuleId[];
  hits: Hit[];
  reason: string;
}

/** The features one decision reads. */
export interface Features {
  device: DeviceFeatures;
  payer: PartyFeatures;
  payee: PartyFeatures;
  operator?: OperatorAnswer;
}

const asTier = (t: string | null): Tier | null => ((TIERS as readonly string[]).includes(t ?? '') ? (t as Tier) : null);

/**
 * The tier to apply: the token's tier, lowered to the device's last attested tier when that is
 * weaker (a re-attestation may have found an older patch since the token was issued).
 */
export function effectiveTier(requested: string, device: DeviceFeatures): Tier | null {
  const t = asTier(requested);
  const seen = asTier(device.tier);
  if (!t || !seen) return t;
  return TIERS.indexOf(seen) > TIERS.indexOf(t) ? seen : t;
}

function explain(decision: Decision, tier: Tier | null, score: number, hits: Hit[], rules: Rules): string {
  if (!hits.length) return `approved: within the ${tier} tier limits, no rule fired`;
  const why = hits.map((h) => `${h.ruleId}${h.veto ? ' (veto)' : ` (+${h.weight})`}: ${h.detail}`).join('; ');
  const head = decision === 'APPROVE' ? 'approved' : decision === 'STEP_UP' ? 'step-up required' : 'declined';
  return (
    `${head}: score ${score} (step-up at ${rules.thresholds.stepUp}, ` +
    `decline at ${rules.thresholds.decline}); ${why}`
  );
}

/**
 * Posture-aware decision (seed 002 §6: weak phones may move small amounts): every enabled rule
 * that fires adds its weight; a veto or a score at the decline threshold declines, a score at the
 * step-up threshold steps up. Pure: reads only its arguments, `now` included.
 */
export function assess(facts: PaymentFacts, features: Features, rules: Rules, now: number): Assessment {
  const tier = effectiveTier(facts.tier, features.device);
  const ctx: CheckContext = { facts, tier, rules, now, ...features };
  const hits: Hit[] = [];
  for (const id of Object.keys(CHECKS) as CheckedRuleId[]) {
    const r = rules.rules[id];
    if (!r.enabled) continue;
    const detail = CHECKS[id](ctx);
    if (detail !== null) hits.push({ ruleId: id, weight: r.weight, veto: r.veto, detail });
  }
  return conclude(tier, hits, rules);
}

/** The decision the hits add up to: a veto or the decline threshold declines, the step-up threshold steps up. */
export function conclude(tier: Tier | null, hits: Hit[], rules: Rules): Assessment {
  const score = hits.reduce((s, h) => s + h.weight, 0);
  const decision: Decision =
    hits.some((h) => h.veto) || score >= rules.thresholds.decline
      ? 'DECLINE'
      : score >= rules.thresholds.stepUp
        ? 'STEP_UP'
        : 'APPROVE';
  return {
    decision,
    tier,
    score,
    ruleIds: hits.map((h) => h.ruleId),
    hits,
    reason: explain(decision, tier, score, hits, rules),
  };
}
