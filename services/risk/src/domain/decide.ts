import type { DecisionRecord, FeatureStore } from '../store/ports.js';
import { assess, type PaymentFacts } from './assess.js';
import { emptyDevice, emptyParty, payeeKey, payerKey } from './features.js';
import type { Rules } from './rules.js';

/** The rules in force and the id (content hash) that decision trails cite. */
export interface RulesInForce {
  id: string;
  rules: Rules;
  loadedAtMs: number;
}

/**
 * Reads the payment's features, decides at `now`, and appends the decision trail. After a confirmed
 * step-up only a veto or the decline threshold still refuses. A trail already stored for this
 * transaction and stage is never replaced: the first decision is returned instead.
 */
export async function decide(facts: PaymentFacts, store: FeatureStore, rules: RulesInForce, now: number): Promise<DecisionRecord> {
  const [device, payer, payee] = await Promise.all([
    store.getDevice(facts.deviceId), store.getParty(payerKey(facts.payer)), store.getParty(payeeKey(facts.payee)),
  ]);
  const a = assess(facts, {
    device: device ?? emptyDevice(facts.deviceId),
    payer: payer ?? emptyParty(payerKey(facts.payer)),
    payee: payee ?? emptyParty(payeeKey(facts.payee)),
  }, rules.rules, now);
  const stage = facts.stage ?? 'payment';
  const decision = stage === 'step-up' && a.decision === 'STEP_UP' ? 'APPROVE' : a.decision;
  const rec: DecisionRecord = {
    transactionId: facts.transactionId, atMs: now, deviceId: facts.deviceId, payer: facts.payer, payee: facts.payee,
    amount: { minorUnits: facts.minorUnits, currency: facts.currency }, requestedTier: facts.tier, stage, tier: a.tier,
    decision, score: a.score, ruleIds: a.ruleIds, hits: a.hits, reason: a.reason, rulesetId: rules.id,
  };
  return store.appendDecision(rec);
}
