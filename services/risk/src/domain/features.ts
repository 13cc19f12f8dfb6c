import type { DeviceData, DeviceEventType, PaymentData } from './events.js';

/** How far back windows reach (longest rule window is bounded by this). */
export const RETENTION_MS = 8 * 86_400_000;
/** Most entries one window list keeps (bounds document size and assessment time). */
export const MAX_ENTRIES = 1000;

/** One posted payment in a window. */
export interface Posted {
  id: string;
  atMs: number;
  amount: number;
  currency: string;
}

/** One timestamped occurrence (a PIN failure) in a window. */
export interface Occurrence {
  id: string;
  atMs: number;
}

/** What the risk service knows about one device, as one document keyed by deviceId. */
export interface DeviceFeatures {
  deviceId: string;
  status: 'UNKNOWN' | 'ATTESTED' | 'REJECTED' | 'REVOKED';
  statusAtMs: number;
  tier: string | null;
  reasons: string[];
  /** Refusal codes of the latest rejection, if the latest attestation state is REJECTED. */
  rejectedCodes: string[];
  patchLevel: number | null;
  firstAttestedMs: number | null;
  /** Latest attestation or re-verification; SIM changes and PIN locks before it are cleared. */
  verifiedMs: number;
  imsiHash: string | null;
  imeiHash: string | null;
  simChange: { atMs: number; imei: boolean } | null;
  /** Latest replacement of the device's eSE key by another (device.revoked, scope key); 0 when none. */
  keyReplacedMs: number;
  /**
   * Latest operator re-verification (device.reverified only: a fresh
   * attestation by the new key does not clear a key replacement).
   */
  reverifiedMs: number;
  pinFailures: Occurrence[];
  pinLockedMs: number;
  payments: Posted[];
  /** The phone number bound by the daemon's first SIM report after enrollment (E.164); null until then. */
  msisdn?: string | null;
  /** Latest SIM swap or port of the bound number, as the operator announced it; 0 when none. */
  simSwappedMs?: number;
  /** Latest move of a phone number between this device and another; 0 when none. */
  numberMovedMs?: number;
  /**
   * Latest time this device took over a number from another attested handset with another SIM (IMSI and
   * IMEI both changed: numberCarriedOver); 0 when none. Only an operator re-verification clears it: a
   * fresh attestation proves the handset, not who holds the number.
   */
  handsetChangedMs?: number;
}

/** Which device a phone number is bound to, as one document keyed by the number. */
export interface LineBinding {
  msisdn: string;
  deviceId: string;
  atMs: number;
  /** The device the number was bound to before `deviceId` took it at `atMs`, if another. */
  previousDeviceId?: string | null;
}

/** Posted payments of one payer or payee, as one document keyed `payer:<id>` or `payee:<id>`. */
export interface PartyFeatures {
  key: string;
  payments: Posted[];
}

/** Store keys of the party documents. */
export const payerKey = (id: string) => `payer:${id}`;
export const payeeKey = (id: string) => `payee:${id}`;

/** A device nothing is known about yet. */
export function emptyDevice(deviceId: string): DeviceFeatures {
  return {
    deviceId,
    status: 'UNKNOWN',
    statusAtMs: 0,
    tier: null,
    reasons: [],
    rejectedCodes: [],
    patchLevel: null,
    firstAttestedMs: null,
    verifiedMs: 0,
    imsiHash: null,
    imeiHash: null,
    simChange: null,
    keyReplacedMs: 0,
    reverifiedMs: 0,
    pinFailures: [],
    pinLockedMs: 0,
    payments: [],
    msisdn: null,
    simSwappedMs: 0,
    numberMovedMs: 0,
    handsetChangedMs: 0,
  };
}

/** A party nothing is known about yet. */
export function emptyParty(key: string): PartyFeatures {
  return { key, payments: [] };
}

/**
 * Adds an entry to a window list: idempotent by id, ordered by (atMs, id) so the result does not
 * depend on delivery order, pruned relative to the newest entry (never to the wall clock).
 */
export function addEntry<T extends Occurrence>(list: readonly T[], entry: T): T[] {
  if (list.some((x) => x.id === entry.id)) return [...list];
  const last = list[list.length - 1];
  const inOrder = !last || last.atMs < entry.atMs || (last.atMs === entry.atMs && last.id < entry.id);
  const next = inOrder
    ? [...list, entry]
    : [...list, entry].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const newest = next[next.length - 1]!.atMs;
  const kept = next.filter((x) => x.atMs > newest - RETENTION_MS);
  return kept.slice(Math.max(0, kept.length - MAX_ENTRIES));
}

/** Entries in the window (now - windowSec, now]; later entries are ignored so decisions replay. */
export function inWindow<T extends Occurrence>(list: readonly T[], now: number, windowSec: number): T[] {
  const from = now - windowSec * 1000;
  return list.filter((x) => x.atMs > from && x.atMs <= now);
}

/** Count and sum of posted payments of one currency in a window. */
export function windowTotals(
  list: readonly Posted[],
  now: number,
  windowSec: number,
  currency: string,
): { count: number; amount: number } {
  let count = 0;
  let amount = 0;
  for (const p of inWindow(list, now, windowSec)) {
    if (p.currency !== currency) continue;
    count++;
    amount += p.amount;
  }
  return { count, amount };
}

/**
 * The phone's SIM report: a new IMSI is a SIM change. The report's own `imeiHash`, if any, is ignored:
 * no producer verifies it (the daemon's report has none); the handset is known only from attestation,
 * and a handset change only from a number carried over from another handset (numberCarriedOver).
 */
function simChanged(d: DeviceFeatures, data: DeviceData, atMs: number): DeviceFeatures {
  if (d.imsiHash === null && !d.msisdn && data.imsiHash !== undefined && data.msisdn !== undefined)
    return { ...d, imsiHash: data.imsiHash, msisdn: data.msisdn ?? null };
  const imsi = d.imsiHash === null || data.imsiHash === undefined || data.imsiHash !== d.imsiHash;
  const hashes = { imsiHash: data.imsiHash ?? d.imsiHash, msisdn: data.msisdn ?? d.msisdn ?? null };
  if (!imsi) return { ...d, ...hashes };
  const pending = d.simChange && d.simChange.atMs > d.verifiedMs ? d.simChange : null;
  return { ...d, ...hashes, simChange: { atMs: Math.max(atMs, pending?.atMs ?? 0), imei: false } };
}

/**
 * A phone number moved to this device `d` from device `from` (learn.ts): when both handsets' IMEI hashes
 * are known (attestation publishes them: one IMEI is one device) and differ, and the SIM now reported
 * (`imsiHash`) is not the one `from` last reported, both SIM and handset changed for that number — the
 * stronger evidence of takeover (`sim.imsiImeiChanged`) — and this device holds it until re-verified.
 */
export function numberCarriedOver(
  d: DeviceFeatures,
  from: DeviceFeatures,
  imsiHash: string | undefined,
  atMs: number,
): DeviceFeatures {
  const handset = d.imeiHash !== null && from.imeiHash !== null && d.imeiHash !== from.imeiHash;
  const sim = imsiHash !== undefined && from.imsiHash !== null && imsiHash !== from.imsiHash;
  return handset && sim ? { ...d, handsetChangedMs: Math.max(d.handsetChangedMs ?? 0, atMs) } : d;
}

function posture(d: DeviceFeatures, type: DeviceEventType, data: DeviceData, atMs: number): DeviceFeatures {
  if (atMs < d.statusAtMs || (type === 'device.revoked' && data.scope === 'key')) return d;
  if (type !== 'device.attested')
    return {
      ...d,
      status: type === 'device.rejected' ? 'REJECTED' : 'REVOKED',
      statusAtMs: atMs,
      rejectedCodes: data.codes ?? [],
    };
  return {
    ...d,
    status: 'ATTESTED',
    statusAtMs: atMs,
    tier: data.tier ?? null,
    reasons: data.reasons ?? [],
    rejectedCodes: [],
    patchLevel: data.patchLevel ?? d.patchLevel,
  };
}

/** Folds one device event into the device's document (pure; idempotent for a repeated event). */
export function applyDeviceEvent(
  d: DeviceFeatures,
  id: string,
  type: DeviceEventType,
  data: DeviceData,
  atMs: number,
): DeviceFeatures {
  switch (type) {
    case 'device.attested': {
      const next = posture(d, type, data, atMs);
      return {
        ...next,
        firstAttestedMs: Math.min(d.firstAttestedMs ?? atMs, atMs),
        verifiedMs: Math.max(d.verifiedMs, atMs),
        imsiHash: data.imsiHash ?? next.imsiHash,
        imeiHash: data.imeiHash ?? next.imeiHash,
      };
    }
    case 'device.rejected':
      return posture(d, type, data, atMs);
    case 'device.revoked':
      return data.scope === 'key'
        ? { ...d, keyReplacedMs: Math.max(d.keyReplacedMs ?? 0, atMs) }
        : posture(d, type, data, atMs);
    case 'device.reverified':
      return {
        ...d,
        verifiedMs: Math.max(d.verifiedMs, atMs),
        reverifiedMs: Math.max(d.reverifiedMs ?? 0, atMs),
        imsiHash: data.imsiHash ?? d.imsiHash,
        imeiHash: data.imeiHash ?? d.imeiHash,
      };
    case 'device.sim_changed':
      return simChanged(d, data, atMs);
    case 'device.pin_failed':
      return { ...d, pinFailures: addEntry(d.pinFailures, { id, atMs }) };
    case 'device.pin_locked':
      return { ...d, pinLockedMs: Math.max(d.pinLockedMs, atMs) };
  }
}

/** The window entry a posted payment adds to its device, payer and payee documents. */
export function postedEntry(data: PaymentData, atMs: number): Posted {
  return { id: data.transactionId, atMs, amount: data.amount, currency: data.currency };
}
