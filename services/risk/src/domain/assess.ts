import type { Rules } from './rules.js';

export type Decision = 'APPROVE' | 'STEP_UP' | 'DECLINE';

export interface Assessment {
  decision: Decision;
  ruleIds: string[];
  reason: string;
  score: number;
}

export interface PaymentFacts {
  transactionId: string;
  deviceId: string;
  payer: string;
  payee: string;
  minorUnits: number;
  currency: string;
  tier: string;
}

/**
 * Posture-aware decision (seed 002 §6: weak phones may move small amounts): the attested tier sets
 * the per-payment limit. Pure and in memory.
 */
export function assess(facts: PaymentFacts, rules: Rules): Assessment {
  const limits = rules.tiers[facts.tier as keyof Rules['tiers']];
  if (!limits) return { decision: 'DECLINE', ruleIds: ['tier.unknown'], reason: `no limits for posture tier ${facts.tier}`, score: 1 };
  if (facts.minorUnits > limits.maxPerPayment) {
    return { decision: 'DECLINE', ruleIds: ['tier.maxPerPayment'], reason: `amount above the ${facts.tier} tier limit of ${limits.maxPerPayment}`, score: 1 };
  }
  return { decision: 'APPROVE', ruleIds: [], reason: `within the ${facts.tier} tier limits`, score: facts.minorUnits / limits.maxPerPayment };
}
