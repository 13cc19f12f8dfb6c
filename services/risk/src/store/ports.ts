import type { Decision, Hit } from '../domain/assess.js';
import type { DeviceFeatures, LineBinding, PartyFeatures } from '../domain/features.js';
import type { OperatorAnswer } from '../domain/operator.js';
import type { Reservation, ReservationOutcome, ReservationState, WindowTotals } from '../domain/reserve.js';

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
  /** The operator's answer for this payment's bound number, when one was asked (CAMARA SIM Swap check). */
  operator?: OperatorAnswer;
  /** The refusal code of a fail-closed decline (SIM_SWAP_CHECK_UNAVAILABLE). */
  code?: string;
  /** The window totals and whether this payment's amount is held against them (approved and stepped-up payments). */
  limits?: ReservationOutcome;
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
  /** The device a phone number is bound to. */
  getLine(msisdn: string): Promise<LineBinding | null>;
  putLine(doc: LineBinding): Promise<void>;
  /**
   * Adds `amount` and one payment to a window bucket in one conditional update, only if the bucket's
   * totals stay within `maxAmount` and `maxCount`; the totals after, or null when refused.
   */
  reserveWindow(key: string, amount: number, maxAmount: number, maxCount: number, expiresAtMs: number): Promise<WindowTotals | null>;
  /** Takes `amount` and one payment out of a window bucket. */
  releaseWindow(key: string, amount: number): Promise<void>;
  getWindow(key: string): Promise<WindowTotals | null>;
  /** Inserts a reservation record; false when one exists for this transaction. */
  putReservation(r: Reservation): Promise<boolean>;
  /** Moves a reservation from one of `from` to `to` in one conditional update; the record as it was, or null when it was not in `from`. */
  moveReservation(transactionId: string, from: ReservationState[], to: ReservationState): Promise<Reservation | null>;
  getReservation(transactionId: string): Promise<Reservation | null>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** The store key of a decision trail: the transaction id, suffixed for the step-up stage. */
export const trailKey = (transactionId: string, stage: DecisionRecord['stage'] = 'payment') => (stage === 'payment' ? transactionId : `${transactionId}#${stage}`);
