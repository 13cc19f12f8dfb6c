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
});
export type DeviceData = z.infer<typeof DeviceData>;

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

/** An event the risk service learns from; everything it keeps derives from these fields alone. */
export type RiskEvent =
  | { kind: 'device'; id: string; type: DeviceEventType; atMs: number; data: DeviceData }
  | { kind: 'payment'; id: string; type: 'payment.posted'; atMs: number; data: PaymentData };

/** Thrown for an event of a known type whose data does not match its schema. */
export class MalformedEvent extends Error {}

/**
 * Maps a bus event to a risk event; null for types the risk service does not use and for device
 * events about no known device (a refusal before the record verified). Only posted payments count
 * towards windows (declined or failed ones moved no money), and only device payments: funding,
reversals and refunds are not the device's behaviour.
 */
export function parseEvent(topic: string, e: BusEvent): RiskEvent | null {
  if (!Number.isSafeInteger(e.atMs)) throw new MalformedEvent(`event ${e.id} has no valid atMs`);
  if (topic === DEVICE_TOPIC && (DEVICE_TYPES as readonly string[]).includes(e.type)) {
    if (e.data.deviceId === undefined) return null;
    const data = DeviceData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'device', id: e.id, type: e.type as DeviceEventType, atMs: e.atMs, data: data.data };
  }
  if (topic === PAYMENT_TOPIC && e.type === 'payment.posted' && (e.data.kind ?? 'payment') === 'payment') {
    const data = PaymentData.safeParse(e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'payment', id: e.id, type: 'payment.posted', atMs: e.atMs, data: data.data };
  }
  return null;
}
