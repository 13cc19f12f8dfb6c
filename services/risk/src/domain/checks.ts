import { inWindow, windowTotals, type DeviceFeatures, type PartyFeatures, type Posted } from './features.js';
import type { OperatorAnswer } from './operator.js';
import type { RuleId, Rules, Tier } from './rules.js';

/** The payment being decided, as the transaction service describes it. */
export interface PaymentFacts {
  transactionId: string;
  deviceId: string;
  payer: string;
  payee: string;
  minorUnits: number;
  currency: string;
  tier: string;
  /** 'step-up' when the phone has confirmed a held payment (the step-up threshold is then satisfied). */
  stage?: 'payment' | 'step-up';
}

/** Everything one decision reads: the payment, the features, the rules and the decision time. */
export interface CheckContext {
  facts: PaymentFacts;
  tier: Tier | null;
  device: DeviceFeatures;
  payer: PartyFeatures;
  payee: PartyFeatures;
  rules: Rules;
  now: number;
  /** The operator's SIM Swap answer, when this payment needed one. */
  operator?: OperatorAnswer;
}

/** A rule's test: a human-readable detail when it fires, null otherwise. */
type Check = (c: CheckContext) => string | null;

const DAY_SEC = 86_400;

function velocity(scope: 'device' | 'payer' | 'payee', list: (c: CheckContext) => Posted[]): Check {
  return (c) => {
    const r = c.rules.rules[`velocity.${scope}`];
    const w = windowTotals(list(c), c.now, r.windowSec, c.facts.currency);
    if (w.count + 1 > r.maxCount)
      return `${w.count + 1} payments by this ${scope} within ${r.windowSec}s (limit ${r.maxCount})`;
    if (w.amount + c.facts.minorUnits > r.maxAmount)
      return `${w.amount + c.facts.minorUnits} moved by this ${scope} within ${r.windowSec}s (limit ${r.maxAmount})`;
    return null;
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function patchAgeMonths(patchLevel: number, now: number): number {
  const d = new Date(now);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() + 1 - (Math.floor(patchLevel / 100) * 12 + (patchLevel % 100));
}

const pendingSince = (atMs: number, d: DeviceFeatures, now: number) => atMs > d.verifiedMs && atMs <= now;
/** A change not yet re-verified, for at most `holdSec` after it. */
const heldSince = (atMs: number, holdSec: number, d: DeviceFeatures, now: number) =>
  pendingSince(atMs, d, now) && now - atMs < holdSec * 1000;

/** Rules decided on the payment's features; `limits.reserve` is decided by the reservation after them. */
export type CheckedRuleId = Exclude<RuleId, 'limits.reserve'>;

/** One test per rule id; the record type makes a rule without a test a compile error. */
export const CHECKS: Record<CheckedRuleId, Check> = {
  'tier.unknown': (c) => (c.tier ? null : `no limits for posture tier "${c.facts.tier}"`),
  'tier.perPayment': (c) => {
    const max = c.tier && c.rules.tiers[c.tier].maxPerPayment;
    return max && c.facts.minorUnits > max
      ? `amount ${c.facts.minorUnits} above the ${c.tier} tier limit of ${max} per payment`
      : null;
  },
  'tier.stepUp': (c) => {
    const above = c.tier && c.rules.tiers[c.tier].stepUpAbove;
    return above && c.facts.minorUnits > above
      ? `amount ${c.facts.minorUnits} above the ${c.tier} tier step-up level of ${above}`
      : null;
  },
  'tier.perDay': (c) => {
    if (!c.tier) return null;
    const max = c.rules.tiers[c.tier].maxPerDay;
    const total = windowTotals(c.device.payments, c.now, DAY_SEC, c.facts.currency).amount + c.facts.minorUnits;
    return total > max ? `${total} from this device within 24h, above the ${c.tier} tier limit of ${max}` : null;
  },
  'tier.windowCount': (c) => {
    if (!c.tier) return null;
    const t = c.rules.tiers[c.tier];
    const count = windowTotals(c.device.payments, c.now, t.windowSec, c.facts.currency).count + 1;
    return count > t.maxCountPerWindow
      ? `${count} payments from this device within ${t.windowSec}s, ` +
          `above the ${c.tier} tier limit of ${t.maxCountPerWindow}`
      : null;
  },
  'device.status': (c) => {
    if (c.device.status === 'REVOKED') return 'the device is revoked';
    const code =
      c.device.status === 'REJECTED' &&
      c.device.rejectedCodes.find((x) => c.rules.rules['device.status'].rejectCodes.includes(x));
    return code ? `the device's latest attestation was refused (${code})` : null;
  },
  'device.coolingOff': (c) => {
    const r = c.rules.rules['device.coolingOff'];
    const first = c.device.firstAttestedMs ?? c.now;
    if (c.now - first >= r.coolingOffSec * 1000 || c.facts.minorUnits <= r.maxPerPayment) return null;
    return (
      `device attested less than ${r.coolingOffSec}s ago and ` + `amount ${c.facts.minorUnits} above ${r.maxPerPayment}`
    );
  },
  'device.keyReplaced': (c) => {
    const at = c.device.keyReplacedMs ?? 0;
    return at > (c.device.reverifiedMs ?? 0) && at <= c.now
      ? "another eSE key replaced this device's key since the last re-verification"
      : null;
  },
  'sim.imsiChanged': (c) => {
    const s = c.device.simChange;
    const { holdSec } = c.rules.rules['sim.imsiChanged'];
    return s && !s.imei && heldSince(s.atMs, holdSec, c.device, c.now)
      ? `SIM (IMSI) changed since the last re-verification (hold ${holdSec}s)`
      : null;
  },
  'sim.imsiImeiChanged': (c) => {
    const at = c.device.handsetChangedMs ?? 0;
    const { holdSec } = c.rules.rules['sim.imsiImeiChanged'];
    return at > c.device.reverifiedMs && at <= c.now && c.now - at < holdSec * 1000
      ? `this device took a phone number from another handset with another SIM (IMSI and IMEI both ` +
          `changed) ${Math.round((c.now - at) / 1000)}s ago, not re-verified since (hold ${holdSec}s)`
      : null;
  },
  'sim.swapped': (c) => {
    const r = c.rules.rules['sim.swapped'];
    const at = c.device.simSwappedMs ?? 0;
    if (at > c.device.reverifiedMs && at <= c.now && c.now - at < r.holdSec * 1000)
      return (
        `the operator announced a SIM change of this device's ` +
        `number ${Math.round((c.now - at) / 1000)}s ago (hold ${r.holdSec}s)`
      );
    const o = c.operator;
    return o && 'swapped' in o && o.swapped
      ? `CAMARA SIM Swap check: ${o.number} swapped within ${o.maxAgeHours}h`
      : null;
  },
  'sim.operatorUnavailable': (c) =>
    c.operator && 'unavailable' in c.operator
      ? `CAMARA SIM Swap check for ${c.operator.number} failed (${c.operator.unavailable}); ` +
        `amount ${c.facts.minorUnits} above ${c.rules.rules['sim.swapped'].checkAboveMinor}`
      : null,
  'sim.numberMoved': (c) => {
    const r = c.rules.rules['sim.numberMoved'];
    const at = c.device.numberMovedMs ?? 0;
    return at > c.device.reverifiedMs && at <= c.now && c.now - at < r.holdSec * 1000
      ? `a phone number moved between this device and ` +
          `another ${Math.round((c.now - at) / 1000)}s ago (hold ${r.holdSec}s)`
      : null;
  },
  'pin.failures': (c) => {
    const r = c.rules.rules['pin.failures'];
    const n = inWindow(c.device.pinFailures, c.now, r.windowSec).filter((f) => f.atMs > c.device.verifiedMs).length;
    return n >= r.maxFailures ? `${n} wrong PINs within ${r.windowSec}s (limit ${r.maxFailures})` : null;
  },
  'pin.locked': (c) =>
    pendingSince(c.device.pinLockedMs, c.device, c.now) ? 'PIN locked since the last re-verification' : null,
  'payee.denylisted': (c) =>
    c.rules.rules['payee.denylisted'].payees.includes(c.facts.payee) ? 'payee is denylisted' : null,
  'velocity.device': velocity('device', (c) => c.device.payments),
  'velocity.payer': velocity('payer', (c) => c.payer.payments),
  'velocity.payee': velocity('payee', (c) => c.payee.payments),
  'amount.unusual': (c) => {
    const r = c.rules.rules['amount.unusual'];
    const recent = c.payer.payments
      .filter((p) => p.atMs <= c.now && p.currency === c.facts.currency)
      .slice(-r.historySize)
      .map((p) => p.amount);
    if (recent.length < r.minHistory) return null;
    const m = median(recent);
    return c.facts.minorUnits > r.factor * m
      ? `amount ${c.facts.minorUnits} above ${r.factor} x this payer's median of ${m}`
      : null;
  },
  'patch.behind': (c) => {
    const r = c.rules.rules['patch.behind'];
    const reason = c.device.reasons.find((x) => r.reasons.includes(x));
    if (reason) return `attestation reason ${reason}`;
    const age = c.device.patchLevel === null ? 0 : patchAgeMonths(c.device.patchLevel, c.now);
    return age > r.maxAgeMonths
      ? `security patch level ${c.device.patchLevel} is ${age} months old (limit ${r.maxAgeMonths})`
      : null;
  },
};
