import type { Decision, Hit } from '../domain/assess.js';
import type { DeviceFeatures, PartyFeatures } from '../domain/features.js';

/** The decision trail of one transaction, as GET /v1/decisions/{transactionId} returns it. */
export interface DecisionRecord {
  transactionId: string;
  atMs: number;
  deviceId: string;
  payer: string;
  payee: string;
  amount: { minorUnits: number; currency: string };
  requestedTier: string;
  /** 'payment' for a new payment, 'step-up' for the decision after a confirmed step-up. */
  stage: 'payment' | 'step-up';
  tier: string | null;
  decision: Decision;
  score: number;
  ruleIds: string[];
  hits: Hit[];
  reason: string;
  rulesetId: string;
}

/**
 * The risk service's storage port. Every call reads or writes one whole document by its key
 * (device, party, decision, seen event id), so an adapter needs no multi-document transactions.
 */
export interface FeatureStore {
  /** True when this event id was already applied (consumers deduplicate at-least-once delivery). */
  seen(eventId: string): Promise<boolean>;
  markSeen(eventId: string, atMs: number): Promise<void>;
  getDevice(deviceId: string): Promise<DeviceFeatures | null>;
  putDevice(doc: DeviceFeatures): Promise<void>;
  /** Party documents are keyed `payer:<id>` or `payee:<id>`. */
  getParty(key: string): Promise<PartyFeatures | null>;
  putParty(doc: PartyFeatures): Promise<void>;
  /**
   * Appends the trail of one (transaction, stage) unless one is already stored, and returns the
   * stored one: decision trails are append-only, a second assessment never overwrites the first.
   */
  appendDecision(rec: DecisionRecord): Promise<DecisionRecord>;
  getDecision(transactionId: string, stage?: DecisionRecord['stage']): Promise<DecisionRecord | null>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** The store key of a decision trail: the transaction id, suffixed for the step-up stage. */
export const trailKey = (transactionId: string, stage: DecisionRecord['stage'] = 'payment') => (stage === 'payment' ? transactionId : `${transactionId}#${stage}`);
