import { z } from 'zod';
import { MAX_ENTRIES, RETENTION_MS } from './features.js';

const windowSec = z
  .number()
  .int()
  .positive()
  .max(RETENTION_MS / 1000);
const minor = z.number().int().positive();

const TierLimits = z
  .object({
    stepUpAbove: minor,
    maxPerPayment: minor,
    maxPerDay: minor,
    maxCountPerWindow: z.number().int().positive().max(MAX_ENTRIES),
    windowSec,
  })
  .strict();

const rule = <S extends z.ZodRawShape>(params: S) =>
  z
    .object({
      weight: z.number().min(0),
      veto: z.boolean().default(false),
      enabled: z.boolean().default(true),
      ...params,
    })
    .strict();

const velocity = rule({ windowSec, maxCount: z.number().int().positive().max(MAX_ENTRIES), maxAmount: minor });

/** The windows a payment is reserved against at decision time (see domain/reserve.ts). */
export const WINDOW_IDS = [
  'device.day',
  'payer.day',
  'device.tierWindow',
  'device.velocity',
  'payer.velocity',
] as const;
export type WindowId = (typeof WINDOW_IDS)[number];

/** Every rule the engine knows, with its parameters; each weighs into the score, some veto. */
export const RuleSet = z
  .object({
    'tier.unknown': rule({}),
    'tier.perPayment': rule({}),
    'tier.stepUp': rule({}),
    'tier.perDay': rule({}),
    'tier.windowCount': rule({}),
    'device.status': rule({ rejectCodes: z.array(z.string().min(1)) }),
    'device.coolingOff': rule({ coolingOffSec: z.number().int().positive(), maxPerPayment: minor }),
    'device.keyReplaced': rule({}),
    'sim.imsiChanged': rule({ holdSec: z.number().int().positive() }),
    'sim.imsiImeiChanged': rule({ holdSec: z.number().int().positive() }),
    'sim.swapped': rule({ holdSec: z.number().int().positive(), checkAboveMinor: z.number().int().min(0) }),
    'sim.operatorUnavailable': rule({}),
    'sim.numberMoved': rule({ holdSec: z.number().int().positive() }),
    'pin.failures': rule({ windowSec, maxFailures: z.number().int().positive().max(MAX_ENTRIES) }),
    'pin.locked': rule({}),
    'payee.denylisted': rule({ payees: z.array(z.string().min(1)) }),
    'velocity.device': velocity,
    'velocity.payer': velocity,
    'velocity.payee': velocity,
    'amount.unusual': rule({
      factor: z.number().positive(),
      minHistory: z.number().int().positive(),
      historySize: z.number().int().positive().max(MAX_ENTRIES),
    }),
    'patch.behind': rule({ reasons: z.array(z.string().min(1)).min(1), maxAgeMonths: z.number().int().positive() }),
    'limits.reserve': rule({ windows: z.array(z.enum(WINDOW_IDS)).min(1) }),
  })
  .strict();
export type RuleSet = z.infer<typeof RuleSet>;
export type RuleId = keyof RuleSet;

/** The rule file's schema (config/risk-rules.json): limits and rules are data, not code (brief §4). */
export const Rules = z
  .object({
    version: z.literal(2),
    thresholds: z
      .object({ stepUp: z.number().positive(), decline: z.number().positive() })
      .strict()
      .refine((t) => t.stepUp <= t.decline, 'thresholds.stepUp must not exceed thresholds.decline'),
    tiers: z.object({ HIGH: TierLimits, STANDARD: TierLimits, LOW: TierLimits }).strict(),
    rules: RuleSet,
  })
  .strict();
export type Rules = z.infer<typeof Rules>;
export type Tier = keyof Rules['tiers'];

/** Tiers from strongest to weakest posture. */
export const TIERS: readonly Tier[] = ['HIGH', 'STANDARD', 'LOW'];
