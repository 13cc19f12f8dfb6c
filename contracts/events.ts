import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Msisdn, Tier } from './common.js';
import { RiskVerdict, TransferKind } from './results.js';

/** Device lifecycle, SIM and PIN events, and the mobile operator's network events. */
export const DEVICE_TOPIC = 'dfs.device.v1';
/** Payment and request-to-pay events, from the transaction service's outbox. */
export const PAYMENT_TOPIC = 'dfs.payment.v1';
/** Every topic of the stack (the Kafka adapter creates them). */
export const TOPICS = [DEVICE_TOPIC, PAYMENT_TOPIC] as const;
export type Topic = (typeof TOPICS)[number];

/**
 * Who produces or consumes events: a service of the stack (`mno` is the mobile operator's simulator),
 * the phone, or integrators reading the payment topic (docs/API.md).
 */
export type EventParty = 'attestation' | 'transaction' | 'risk' | 'mno' | 'device-sim' | 'integrators';

/** Parties outside the code base: they count as consumers but are not found in the source. */
export const EXTERNAL_PARTIES: readonly EventParty[] = ['integrators'];

const hash = z.string().min(1).optional();

/** Fields every device event may carry; only `deviceId` is always there (except on an early refusal). */
export const DeviceEventData = z.object({
  deviceId: z.string().min(1),
  model: z.string().optional(),
  tier: z.string().optional(),
  reasons: z.array(z.string()).optional(),
  codes: z.array(z.string()).optional(),
  scope: z.string().optional(),
  reason: z.string().optional(),
  keyThumbprints: z.array(z.string()).optional(),
  securityLevel: z.enum(['ese', 'software']).optional(),
  patchLevel: z.number().int().optional(),
  keyThumbprint: z.string().optional(),
  replacedKeyThumbprint: z.string().optional(),
  policyVersion: z.string().optional(),
  imsiHash: hash,
  imeiHash: hash,
  /** On `device.sim_changed` from the phone's report: the number of the SIM in the slot (risk binds or checks it). */
  msisdn: Msisdn.optional(),
});
export type DeviceEventData = z.infer<typeof DeviceEventData>;

/** Fields of every payment event: the transfer it is about. */
export const PaymentEventData = z.object({
  transactionId: z.string().min(1),
  kind: TransferKind.optional(),
  deviceId: z.string().min(1),
  payer: z.string().min(1),
  /** Empty, with a zero amount, on the FAILED event of an abandoned payment that never arrived. */
  payee: z.string(),
  amount: z.coerce.number().int().nonnegative(),
  currency: z.string(),
  originalId: z.string().optional(),
  requestId: z.string().optional(),
});
export type PaymentEventData = z.infer<typeof PaymentEventData>;

const FinalPaymentData = PaymentEventData.extend({
  code: z.string().nullable().optional(),
  risk: RiskVerdict.nullable().optional(),
});

/** What changed on a mobile line: a new SIM for the number, the number ported in, or its SIM removed. */
export const SimChange = z.enum(['swapped', 'ported', 'removed']);
export type SimChange = z.infer<typeof SimChange>;

/** The mobile operator's network events, keyed by phone number (CAMARA SIM Swap's notion of a change). */
export const NetworkEventData = z.object({ msisdn: Msisdn, change: SimChange });
export type NetworkEventData = z.infer<typeof NetworkEventData>;

/** A request to pay an integrator created (seed 003). */
export const PaymentRequestEventData = z.object({
  requestId: z.uuid(),
  integratorId: z.string().min(1),
  payer: z.string().min(1),
  payee: z.string().min(1),
  amount: z.coerce.number().int().positive(),
  currency: z.string().min(1),
});

/** One event type: its topic, schema version, data schema, and who produces and consumes it. */
export interface EventSpec {
  readonly topic: Topic;
  readonly version: number;
  readonly data: z.ZodType<Record<string, unknown>>;
  readonly producers: readonly EventParty[];
  readonly consumers: readonly EventParty[];
}

type Data = z.ZodType<Record<string, unknown>>;
const device = <S extends Data>(data: S, producers: readonly EventParty[], consumers: readonly EventParty[]) =>
  ({ topic: DEVICE_TOPIC, version: 1, data, producers, consumers }) as const;
const payment = <S extends Data>(data: S, consumers: readonly EventParty[]) =>
  ({ topic: PAYMENT_TOPIC, version: 1, data, producers: ['transaction'] as readonly EventParty[], consumers }) as const;

/**
 * The event catalog. A producer builds every event through `buildEvent` (its data is parsed with the
 * schema here), a consumer names the types it reads with `handles` and parses with `parseEventData`.
 * test/unit/contracts/event-catalog.test.ts checks producers and consumers against the source.
 */
export const EVENTS = {
  'device.attested': device(
    DeviceEventData.extend({ tier: z.string(), reasons: z.array(z.string()) }),
    ['attestation'],
    ['risk', 'transaction'],
  ),
  'device.rejected': device(
    DeviceEventData.partial({ deviceId: true }).extend({ codes: z.array(z.string()).min(1) }),
    ['attestation'],
    ['risk'],
  ),
  'device.revoked': device(
    DeviceEventData.extend({ scope: z.enum(['device', 'key']) }),
    ['attestation'],
    ['risk', 'transaction'],
  ),
  'device.reverified': device(DeviceEventData, ['attestation'], ['risk', 'transaction']),
  'device.sim_changed': device(DeviceEventData, ['transaction'], ['risk']),
  'device.pin_failed': device(DeviceEventData, ['transaction'], ['risk']),
  'device.pin_locked': device(DeviceEventData, ['transaction'], ['risk']),
  'network.sim_swapped': device(NetworkEventData, ['mno'], ['risk']),
  'payment.requested': payment(PaymentEventData.extend({ tier: Tier.optional() }), ['integrators']),
  'payment.approved': payment(PaymentEventData.extend({ risk: RiskVerdict }), ['integrators']),
  'payment.step_up_required': payment(PaymentEventData.extend({ risk: RiskVerdict.nullable() }), ['integrators']),
  'payment.posted': payment(FinalPaymentData, ['risk', 'transaction', 'integrators']),
  'payment.declined': payment(FinalPaymentData, ['risk', 'transaction', 'integrators']),
  'payment.failed': payment(FinalPaymentData, ['risk', 'transaction', 'integrators']),
  'payment.reversed': payment(FinalPaymentData, ['risk', 'integrators']),
  'payment_request.created': payment(PaymentRequestEventData, ['integrators']),
} as const satisfies Record<string, EventSpec>;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.input<(typeof EVENTS)[T]['data']>;
/** The device's own events (`device.*`); the device topic also carries the operator's `network.*` events. */
export type DeviceEventType = Extract<EventType, `device.${string}`>;
export type PaymentEventType = {
  [K in EventType]: (typeof EVENTS)[K]['topic'] extends typeof PAYMENT_TOPIC ? K : never;
}[EventType];

/** An event as a producer hands it to the bus or its outbox. */
export interface CatalogEvent {
  id: string;
  topic: Topic;
  type: EventType;
  key: string;
  atMs: number;
  data: Record<string, unknown>;
}

/**
 * Builds an event of a catalog type; its data is parsed (and trimmed)
 * by the type's schema, so a malformed event is never published.
 */
export function buildEvent<T extends EventType>(type: T, key: string, atMs: number, data: EventData<T>): CatalogEvent {
  const spec: EventSpec = EVENTS[type];
  return { id: randomUUID(), topic: spec.topic, type, key, atMs, data: spec.data.parse(data) };
}

/** Parses a delivered event's data with its type's schema. */
export function parseEventData<T extends EventType>(
  type: T,
  data: unknown,
): z.ZodSafeParseResult<z.output<(typeof EVENTS)[T]['data']>> {
  return EVENTS[type].data.safeParse(data) as z.ZodSafeParseResult<z.output<(typeof EVENTS)[T]['data']>>;
}

/** The event types one consumer reads; the catalog drift test reads these calls. */
export function handles<const T extends EventType>(
  ...types: T[]
): { readonly types: readonly T[]; has(type: string): type is T } {
  const set = new Set<string>(types);
  return { types, has: (type: string): type is T => set.has(type) };
}

/** True when `type` is in the catalog. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}
