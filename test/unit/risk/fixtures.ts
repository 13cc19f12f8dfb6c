import { assess, type PaymentFacts } from '../../../services/risk/src/domain/assess.js';
import {
  applyDeviceEvent,
  emptyDevice,
  emptyParty,
  payeeKey,
  payerKey,
  type DeviceFeatures,
  type PartyFeatures,
  type Posted,
} from '../../../services/risk/src/domain/features.js';
import type { Rules } from '../../../services/risk/src/domain/rules.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';

/** The shipped rule file: tests exercise the defaults an integrator starts from. */
export const defaults = (): Rules => loadRules('config/risk-rules.json').rules;

export const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 10, 15, 12, 0, 0);

/** A payment of `minorUnits` KES from a tier, everything else fixed. */
export function payment(minorUnits: number, tier = 'HIGH', over: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    transactionId: 'tx-probe',
    deviceId: 'dev-1',
    payer: 'wallet-1',
    payee: 'merchant-1',
    minorUnits,
    currency: 'KES',
    tier,
    ...over,
  };
}

/** A device attested 30 days before NOW at `tier` with `reasons`. */
export function attestedDevice(
  tier = 'HIGH',
  reasons: string[] = ['ESE_VERIFIED_BOOT_CURRENT_PATCH'],
  atMs = NOW - 30 * DAY,
): DeviceFeatures {
  return applyDeviceEvent(emptyDevice('dev-1'), 'e-att', 'device.attested', { deviceId: 'dev-1', tier, reasons }, atMs);
}

/** `n` posted payments of `amount`, one every `everyMs` ending `agoMs` before NOW. */
export function history(n: number, amount: number, everyMs = DAY / 2, agoMs = 60 * 60_000): Posted[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `h${i}`,
    atMs: NOW - agoMs - (n - 1 - i) * everyMs,
    amount,
    currency: 'KES',
  }));
}

/** Features for one payer at one payee with an optional history. */
export function features(
  device: DeviceFeatures = attestedDevice(),
  payerPayments: Posted[] = [],
  payeePayments: Posted[] = [],
): { device: DeviceFeatures; payer: PartyFeatures; payee: PartyFeatures } {
  return {
    device: { ...device, payments: payerPayments },
    payer: { ...emptyParty(payerKey('wallet-1')), payments: payerPayments },
    payee: { ...emptyParty(payeeKey('merchant-1')), payments: payeePayments },
  };
}

/** Shorthand: decide a payment at NOW with the default rules unless others are given. */
export const decideAt = (facts: PaymentFacts, f = features(), rules = defaults(), now = NOW) =>
  assess(facts, f, rules, now);

/** A deep copy of the rules with an edit applied (the loaded rules are frozen). */
export function withRules(edit: (r: Rules) => void): Rules {
  const r = structuredClone(defaults());
  edit(r);
  return r;
}
