import type { DeviceFeatures } from './features.js';
import type { PaymentFacts } from './checks.js';
import type { Rules } from './rules.js';

/** The mobile operator as risk asks it (CAMARA SIM Swap check); rejects when the operator cannot answer in time. */
export interface SimSwapOperator {
  check(msisdn: string, maxAgeHours: number): Promise<{ swapped: boolean }>;
}

/** What the operator said about a payment's number (masked in the trail), or why it could not say. */
export type OperatorAnswer =
  | { number: string; maxAgeHours: number; swapped: boolean }
  | { number: string; maxAgeHours: number; unavailable: string };

/** +254712345678 -> +2547*****678: enough to tell numbers apart in a trail, not to dial one. */
export const maskNumber = (msisdn: string) =>
  `${msisdn.slice(0, 5)}${'*'.repeat(Math.max(0, msisdn.length - 8))}${msisdn.slice(-3)}`;

/**
 * Asks the operator whether the device's bound number had its SIM changed within the hold period,
 * for payments above `sim.swapped.checkAboveMinor` only; an operator that fails or is late gives
 * an `unavailable` answer, which `sim.operatorUnavailable` turns into a refusal (fail closed).
 */
export async function askOperator(
  facts: PaymentFacts,
  device: DeviceFeatures | null,
  rules: Rules,
  operator: SimSwapOperator | undefined,
): Promise<OperatorAnswer | undefined> {
  const r = rules.rules['sim.swapped'];
  const msisdn = device?.msisdn;
  if (!operator || !r.enabled || !msisdn || facts.minorUnits <= r.checkAboveMinor) return undefined;
  const maxAgeHours = Math.min(2400, Math.max(1, Math.ceil(r.holdSec / 3600)));
  try {
    return { number: maskNumber(msisdn), maxAgeHours, swapped: (await operator.check(msisdn, maxAgeHours)).swapped };
  } catch (err) {
    return {
      number: maskNumber(msisdn),
      maxAgeHours,
      unavailable: (err as { code?: string }).code ?? (err as Error).name,
    };
  }
}
