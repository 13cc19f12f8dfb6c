import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { putByKey, readByKey, type RiskModels } from './models.js';

/** Party feature documents on MongoDB, replaced whole by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  return {
    getParty: readByKey<PartyFeatures>(parties.collection),
    putParty: putByKey<PartyFeatures>(parties.collection, (doc) => doc.key),
  };
}
