import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { changeIn } from './change.js';

/** Party feature documents in a map, stored and returned as they are. */
export function memoryParties(parties: Map<string, PartyFeatures>): PartyStore {
  return {
    async getParty(key) {
      return parties.get(key) ?? null;
    },
    changeParty: changeIn(parties),
  };
}
