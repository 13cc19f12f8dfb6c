import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { changeByKey, readByKey, type RiskModels } from './models.js';

/** Party feature documents on MongoDB by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  return {
    getParty: readByKey<PartyFeatures>(parties.collection),
    changeParty: changeByKey<PartyFeatures>(parties.collection),
  };
}
