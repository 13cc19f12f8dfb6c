import type { PartyFeatures } from '../../domain/features.js';
import type { PartyStore } from '../ports.js';
import { byKey, type RiskModels } from './models.js';

/** Party feature documents on MongoDB by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  const docs = byKey<PartyFeatures>(parties.collection);
  return { getParty: docs.get, changeParty: docs.change };
}
