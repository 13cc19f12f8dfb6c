import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { put, strip, type RiskModels, type Stored } from './models.js';

/** Party feature documents on MongoDB, replaced whole by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  return {
    async getParty(key) {
      return strip(await parties.findById(key).lean<Stored<PartyFeatures>>());
    },
    putParty: (doc) => put(parties, doc.key, doc),
  };
}
