import type { DeviceFeatures, LineBinding, PartyFeatures } from '../domain/features.js';
import type { DecisionRecord } from '../domain/model.js';
import type { Reservation, ReservationState, WindowTotals } from '../domain/reserve.js';

/**
 * What a document becomes, given what it is now (null: missing); null writes nothing. It may be
 * called more than once (after another write came between), so it only computes.
 */
export type Change<T> = (doc: T | null) => T | null;

/** Event ids already applied: consumers deduplicate at-least-once delivery with them. */
export interface SeenStore {
  /** True when this event id was already applied (consumers deduplicate at-least-once delivery). */
  seen(eventId: string): Promise<boolean>;
  markSeen(eventId: string, atMs: number): Promise<void>;
}

/**
 * Device feature documents, whole, by device id. A change is read, computed and written without
 * any other write to that document coming between, in one process or across replicas on one store.
 */
export interface DeviceStore {
  getDevice(deviceId: string): Promise<DeviceFeatures | null>;
  changeDevice(deviceId: string, change: Change<DeviceFeatures>): Promise<void>;
}

/** Payer and payee feature documents, whole, by party key; changed like devices. */
export interface PartyStore {
  /** Party documents are keyed `payer:<id>` or `payee:<id>`. */
  getParty(key: string): Promise<PartyFeatures | null>;
  changeParty(key: string, change: Change<PartyFeatures>): Promise<void>;
}

/** Append-only decision trails, one per (transaction, stage). */
export interface DecisionStore {
  /**
   * Appends the trail of one (transaction, stage) unless one is already stored, and returns the
   * stored one: decision trails are append-only, a second assessment never overwrites the first.
   */
  appendDecision(rec: DecisionRecord): Promise<DecisionRecord>;
  getDecision(transactionId: string, stage?: DecisionRecord['stage']): Promise<DecisionRecord | null>;
}

/** Phone numbers and the device each is bound to. */
export interface LineStore {
  /** The device a phone number is bound to. */
  getLine(msisdn: string): Promise<LineBinding | null>;
  changeLine(msisdn: string, change: Change<LineBinding>): Promise<void>;
}

/** Window buckets of amounts and payment counts, each checked and added to in one conditional update. */
export interface WindowStore {
  /**
   * Adds `amount` and one payment to a window bucket in one conditional update, only if the bucket's
   * totals stay within `maxAmount` and `maxCount`; the totals after, or null when refused.
   */
  reserveWindow(
    key: string,
    amount: number,
    maxAmount: number,
    maxCount: number,
    expiresAtMs: number,
  ): Promise<WindowTotals | null>;
  /** Takes `amount` and one payment out of a window bucket. */
  releaseWindow(key: string, amount: number): Promise<void>;
  getWindow(key: string): Promise<WindowTotals | null>;
}

/** Reservation records, one per transaction, moved between states by conditional updates. */
export interface ReservationStore {
  /** Inserts a reservation record; false when one exists for this transaction. */
  putReservation(r: Reservation): Promise<boolean>;
  /**
   * Moves a reservation from one of `from` to `to` in one conditional update; the record as it was,
   * or null when it was not in `from`.
   */
  moveReservation(transactionId: string, from: ReservationState[], to: ReservationState): Promise<Reservation | null>;
  /**
   * Moves a HELD reservation to CONFIRMED in one conditional update, answering nothing: what a
   * payment's posting needs, and the concurrent confirmations of several payments can go as one command.
   */
  confirmReservation(transactionId: string): Promise<void>;
  /**
   * Records that a RELEASED reservation's window `key` is being given back, in one conditional update;
   * false when it was already (so each window of a release is given back once, however often the
   * release runs).
   */
  markReturned(transactionId: string, key: string): Promise<boolean>;
  getReservation(transactionId: string): Promise<Reservation | null>;
}

/** The store's connection: readiness and shutdown. */
export interface StoreLifecycle {
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The risk service's storage port: every role port on one store. Every call reads or writes one whole
 * document by its key (device, party, decision, seen event id), so an adapter needs no multi-document
 * transactions; feature documents change by compare-and-set, so concurrent writers lose nothing.
 */
export type FeatureStore = SeenStore &
  DeviceStore &
  PartyStore &
  DecisionStore &
  LineStore &
  WindowStore &
  ReservationStore &
  StoreLifecycle;
