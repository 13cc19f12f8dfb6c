import type { DeviceFeatures, PartyFeatures } from '../domain/features.js';
import { trailKey, type DecisionRecord, type FeatureStore } from './ports.js';
import { boundedMap } from '../../../../kit/src/bounded-map.js';

/** Keeps at most `max` entries, dropping the oldest inserted. */
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
    async ready() { return true; },
    async close() { devices.clear(); parties.clear(); seenIds.clear(); decisions.clear(); },
  };
}
