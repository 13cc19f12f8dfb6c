import {
  DEVICE_TOPIC,
  handles,
  parseEventData,
  PAYMENT_TOPIC,
  type DeviceEventData,
  type DeviceEventType,
  type PaymentEventData,
} from '../../../../contracts/events.js';
import type { BusEvent } from '../../../../kit/src/events.js';

export type { DeviceEventType };
export type DeviceData = DeviceEventData;
export type PaymentData = PaymentEventData;

/** The device events the risk service learns from (device lifecycle, SIM and PIN). */
const DEVICE_TYPES = handles(
  'device.attested',
  'device.rejected',
  'device.revoked',
  'device.reverified',
  'device.sim_changed',
  'device.pin_failed',
  'device.pin_locked',
);
/** The mobile operator's events it learns from (the number's SIM changed). */
const NETWORK_TYPES = handles('network.sim_swapped');
/** The payment events it learns from. */
const PAYMENT_TYPES = handles('payment.posted');
/** Payment outcomes that release a reservation: the payment moved no money, or a reversal gave it back. */
const RELEASING = handles('payment.declined', 'payment.failed', 'payment.reversed');
type ReleasingType = (typeof RELEASING.types)[number];

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
 * Maps a bus event to a risk event, its data parsed by the catalog's schema (contracts/events.ts);
 * null for types the risk service does not use and for device events about no known device (a
 * refusal before the record verified). Only posted payments count towards windows (declined or
 * failed ones moved no money), and only device payments: funding, reversals and refunds are not the
 * device's behaviour. Declined and failed payments, and the reversal of one, release the payment's
 * reservation.
 */
export function parseEvent(topic: string, e: BusEvent): RiskEvent | null {
  if (!Number.isSafeInteger(e.atMs)) throw new MalformedEvent(`event ${e.id} has no valid atMs`);
  if (topic === DEVICE_TOPIC && DEVICE_TYPES.has(e.type)) {
    if (e.data.deviceId === undefined) return null;
    const data = parseEventData(e.type, e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    const { deviceId } = data.data;
    if (deviceId === undefined) return null;
    return { kind: 'device', id: e.id, type: e.type, atMs: e.atMs, data: { ...data.data, deviceId } };
  }
  if (topic === DEVICE_TOPIC && NETWORK_TYPES.has(e.type)) {
    const data = parseEventData(e.type, e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'network', id: e.id, type: e.type, atMs: e.atMs, msisdn: data.data.msisdn };
  }
  if (topic === PAYMENT_TOPIC && RELEASING.has(e.type)) {
    const data = parseEventData(e.type, e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    const kind = data.data.kind ?? 'payment';
    if (e.type === 'payment.reversed')
      return kind === 'reversal' && data.data.originalId
        ? { kind: 'release', id: e.id, type: e.type, atMs: e.atMs, transactionId: data.data.originalId }
        : null;
    return kind === 'payment'
      ? { kind: 'release', id: e.id, type: e.type, atMs: e.atMs, transactionId: data.data.transactionId }
      : null;
  }
  if (topic === PAYMENT_TOPIC && PAYMENT_TYPES.has(e.type) && (e.data.kind ?? 'payment') === 'payment') {
    const data = parseEventData(e.type, e.data);
    if (!data.success) throw new MalformedEvent(`${e.type} ${e.id}: ${data.error.message}`);
    return { kind: 'payment', id: e.id, type: e.type, atMs: e.atMs, data: data.data };
  }
  return null;
}
