import type { DeviceFeatures, LineBinding, PartyFeatures } from '../domain/features.js';
import type { Reservation, WindowTotals } from '../domain/reserve.js';
import { trailKey, type DecisionRecord, type FeatureStore } from './ports.js';
import { boundedMap } from '../../../../kit/src/bounded-map.js';

/**
 * The embedded default: documents in maps, stored and returned without copies (the hot path of
 * every event and decision): callers treat documents as immutable, as the domain does (it always
 * builds new ones). Seen ids and decisions are bounded.
 */
export function memoryFeatureStore(opts: { maxSeen?: number; maxDecisions?: number } = {}): FeatureStore {
  const devices = new Map<string, DeviceFeatures>();
  const parties = new Map<string, PartyFeatures>();
  const seenIds = boundedMap<string, number>(opts.maxSeen ?? 1_000_000);
  const decisions = boundedMap<string, DecisionRecord>(opts.maxDecisions ?? 100_000);
  const lines = new Map<string, LineBinding>();
  const windows = new Map<string, WindowTotals & { expiresAtMs: number }>();
  const reservations = boundedMap<string, Reservation>(opts.maxDecisions ?? 100_000);
  let sweepIn = 10_000;
  const sweep = (now: number) => {
    if (--sweepIn > 0) return;
    sweepIn = 10_000;
    for (const [k, w] of windows) if (w.expiresAtMs < now) windows.delete(k);
  };
  return {
    async seen(id) { return seenIds.has(id); },
    async markSeen(id, atMs) { seenIds.set(id, atMs); },
    async getDevice(id) { return devices.get(id) ?? null; },
    async putDevice(doc) { devices.set(doc.deviceId, doc); },
    async getParty(key) { return parties.get(key) ?? null; },
    async putParty(doc) { parties.set(doc.key, doc); },
    async appendDecision(rec) {
      const key = trailKey(rec.transactionId, rec.stage);
      const first = decisions.get(key);
      if (first) return first;
      decisions.set(key, structuredClone(rec));
      return rec;
    },
    async getDecision(id, stage) { return decisions.get(trailKey(id, stage)) ?? null; },
    async getLine(msisdn) { return lines.get(msisdn) ?? null; },
    async putLine(doc) { lines.set(doc.msisdn, doc); },
    async reserveWindow(key, amount, maxAmount, maxCount, expiresAtMs) {
      sweep(Date.now());
      const w = windows.get(key) ?? { amount: 0, count: 0, expiresAtMs };
      if (w.amount + amount > maxAmount || w.count + 1 > maxCount) return null;
      const next = { amount: w.amount + amount, count: w.count + 1, expiresAtMs: w.expiresAtMs };
      windows.set(key, next);
      return { amount: next.amount, count: next.count };
    },
    async releaseWindow(key, amount) {
      const w = windows.get(key);
      if (w) windows.set(key, { ...w, amount: w.amount - amount, count: w.count - 1 });
    },
    async getWindow(key) {
      const w = windows.get(key);
      return w ? { amount: w.amount, count: w.count } : null;
    },
    async putReservation(r) {
      if (reservations.has(r.transactionId)) return false;
      reservations.set(r.transactionId, { ...r });
      return true;
    },
    async moveReservation(id, from, to) {
      const r = reservations.get(id);
      if (!r || !from.includes(r.state)) return null;
      reservations.set(id, { ...r, state: to });
      return r;
    },
    async getReservation(id) { return reservations.get(id) ?? null; },
    async ready() { return true; },
    async close() { devices.clear(); parties.clear(); seenIds.clear(); decisions.clear(); windows.clear(); reservations.clear(); },
  };
}
