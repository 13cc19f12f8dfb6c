import { z } from 'zod';
import type { BusEvent } from '../../../../kit/src/events.js';

/** Device lifecycle, SIM and PIN events (attestation service, MNO feed, payment daemon). */
export const DEVICE_TOPIC = 'dfs.device.v1';
/** Payment events from the transaction service's outbox. */
export const PAYMENT_TOPIC = 'dfs.payment.v1';

const DEVICE_TYPES = ['device.attested', 'device.rejected', 'device.revoked', 'device.reverified', 'device.sim_changed', 'device.pin_failed', 'device.pin_locked'] as const;
export type DeviceEventType = (typeof DEVICE_TYPES)[number];

const hash = z.string().min(1).optional();
const DeviceData = z.object({
  deviceId: z.string().min(1),
  tier: z.string().optional(),
  codes: z.array(z.string()).optional(),
  scope: z.string().optional(),
  reasons: z.array(z.string()).optional(),
  patchLevel: z.number().int().optional(),
  imsiHash: hash,
  imeiHash: hash,
  msisdn: z.string().regex(/^\+[1-9]\d{4,14}$/).optional(),
});
export type DeviceData = z.infer<typeof DeviceData>;

const NetworkData = z.object({ msisdn: z.string().regex(/^\+[1-9]\d{4,14}$/), change: z.enum(['swapped', 'ported', 'removed']) });

const PaymentData = z.object({
  transactionId: z.string().min(1),
  kind: z.string().optional(),
  deviceId: z.string().min(1),
  payer: z.string().min(1),
  payee: z.string().min(1),
  amount: z.coerce.number().int().positive(),
  currency: z.string().min(1),
});
export type PaymentData = z.infer<typeof PaymentData>;

const OutcomeData = z.object({ transactionId: z.string().min(1), kind: z.string().optional(), originalId: z.string().min(1).optional() });
/** Payment outcomes that release a reservation: the payment moved no money, or a reversal gave it back. */
const RELEASING = ['payment.declined', 'payment.failed', 'payment.reversed'] as const;
type ReleasingType = (typeof RELEASING)[number];

/** An event the risk service learns from; everything it keeps derives from these fields alone. */
export type RiskEvent =
  | { kind: 'device'; id: string; type: DeviceEventType; atMs: number; data: DeviceData }
  | { kind: 'payment'; id: string; type: 'payment.posted'; atMs: number; data: PaymentData }
  /** The operator paired the number with another SIM (swap, port) or took its SIM away. */
  | { kind: 'network'; id: string; type: 'network.sim_swapped'; atMs: number; msisdn: string }
  /** Releases the reservation of `transactionId` (declined, failed) or, for a reversal, of the payment it reversed. */
  | { kind: 'release'; id: string; type: ReleasingType; atMs: number; transactionId: string };

/** Thrown for an event of a known type whose data does not match its schema. */
export class MalformedEvent extends Error {}

/**
 * Maps a bus event to a risk event; null for types the risk service does not use and for device
 * events about no known device (a refusal before the record verified). Only posted payments count
 * towards the learned windows (declined or failed ones moved no money), and only device payments:
 * funding, reversals and refunds are not the device's behaviour. Declined and failed payments, and
 * the reversal of one, release the payment's reservation.
 */
export function parseEvent(topic: string, e: BusEvent): RiskEvent | null {
  if (!Number.isSafeInteger(e.atMs)) throw new MalformedEvent(`event ${e.id} has no valid atMs`);
  if (topic === DEVICE_TOPIC && (DEVICE_TYPES as readonly string[]).includes(e.type)) {
    if (e.data.deviceId === undefined) return null;
    const data = DeviceData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'device', id: e.id, type: e.type as DeviceEventType, atMs: e.atMs, data: data.data };
  }
  if (topic === DEVICE_TOPIC && e.type === 'network.sim_swapped') {
    const data = NetworkData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'network', id: e.id, type: 'network.sim_swapped', atMs: e.atMs, msisdn: data.data.msisdn };
  }
  if (topic === PAYMENT_TOPIC && (RELEASING as readonly string[]).includes(e.type)) {
    const data = OutcomeData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    const kind = data.data.kind ?? 'payment';
    if (e.type === 'payment.reversed') return kind === 'reversal' && data.data.originalId ? { kind: 'release', id: e.id, type: 'payment.reversed', atMs: e.atMs, transactionId: data.data.originalId } : null;
    return kind === 'payment' ? { kind: 'release', id: e.id, type: e.type as ReleasingType, atMs: e.atMs, transactionId: data.data.transactionId } : null;
  }
  if (topic === PAYMENT_TOPIC && e.type === 'payment.posted' && (e.data.kind ?? 'payment') === 'payment') {
    const data = PaymentData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'payment', id: e.id, type: 'payment.posted', atMs: e.atMs, data: data.data };
  }
  return null;
}
