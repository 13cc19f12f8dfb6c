import { DfsError } from '../../../../kit/src/errors.js';

/** An amount in integer minor units with its ISO 4217 currency. */
export interface Money {
  minorUnits: number;
  currency: string;
}

/**
 * Parses minor units given as a decimal string or integer: no floats, no signs, no zero, nothing
 * above `max`, only configured currencies (AMOUNT_INVALID / CURRENCY_INVALID).
 */
export function parseMoney(
  raw: { minorUnits?: unknown; currency?: unknown } | null | undefined,
  currencies: ReadonlySet<string>,
  max: number,
): Money {
  const mu = raw?.minorUnits;
  const text = typeof mu === 'number' ? String(mu) : mu;
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) throw new DfsError('AMOUNT_INVALID');
  const minorUnits = Number(text);
  if (!Number.isSafeInteger(minorUnits) || minorUnits > max)
    throw new DfsError('AMOUNT_INVALID', `above maximum ${max}`);
  const currency = raw?.currency;
  if (typeof currency !== 'string' || !currencies.has(currency)) throw new DfsError('CURRENCY_INVALID');
  return { minorUnits, currency };
}

/** Money as it travels in signed results: minor units as a decimal string. */
export function wire(m: Money): { minorUnits: string; currency: string } {
  return { minorUnits: String(m.minorUnits), currency: m.currency };
}
