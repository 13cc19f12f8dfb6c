import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { put, readByKey, type RiskModels } from './models.js';

/** Party feature documents on MongoDB, replaced whole by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  return {
    getParty: readByKey<PartyFeatures>(parties.collection),
    putParty: (doc) => put(parties, doc.key, doc),
  };
}
