import { boundedMap } from '../../../../../kit/src/bounded-map.js';
import type { DeviceFeatures, LineBinding, PartyFeatures } from '../../domain/features.js';
import type { DecisionRecord } from '../../domain/model.js';
import type { Reservation, WindowTotals } from '../../domain/reserve.js';
import type { FeatureStore } from '../ports.js';
import { memoryDecisions } from './decisions.js';
import { memoryDevices } from './devices.js';
import { memoryLines } from './lines.js';
import { memoryParties } from './parties.js';
import { memoryReservations } from './reservations.js';
import { memorySeen } from './seen.js';
import { memoryWindows } from './windows.js';

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
  return {
    ...memorySeen(seenIds),
    ...memoryDevices(devices),
    ...memoryParties(parties),
    ...memoryDecisions(decisions),
    ...memoryLines(lines),
    ...memoryWindows(windows),
    ...memoryReservations(reservations),
    async ready() {
      return true;
    },
    async close() {
      devices.clear();
      parties.clear();
      seenIds.clear();
      decisions.clear();
      windows.clear();
      reservations.clear();
    },
  };
}
