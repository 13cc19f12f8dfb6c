import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';

const TierLimits = z.object({ maxPerPayment: z.number().int().positive() }).strict();

/** The rule file's schema (config/risk-rules.json): limits are data, not code (brief §4). */
export const Rules = z.object({
  version: z.literal(1),
  tiers: z.object({ HIGH: TierLimits, STANDARD: TierLimits, LOW: TierLimits }).strict(),
}).strict();
export type Rules = z.infer<typeof Rules>;

/** Reads and validates the rule file; a bad file stops the service with CONFIG_INVALID. */
export function loadRules(file: string): Rules {
  try {
    return Object.freeze(Rules.parse(JSON.parse(readFileSync(file, 'utf8'))));
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `risk rules ${file}: ${(err as Error).message}`, { cause: err });
  }
}
