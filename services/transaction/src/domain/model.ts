import type { TransferKind } from '../../../../contracts/results.js';

/** The entities of the transaction service: accounts, transfers, payment requests, journal entries, outbox events. */

/** A wallet or treasury account. `applied` lists in-flight transfer ids already applied (idempotent steps). */
export interface Account {
  id: string;
  currency: string;
  balance: number;
  holderDeviceId: string | null;
  applied: string[];
  createdAtMs: number;
  /** The holder's display name, given at opening: all an integrator's name lookup tells. */
  name?: string;
}

export type TransferState = 'PENDING' | 'POSTED' | 'FAILED' | 'DECLINED';

/** A transfer: the unit of idempotency (unique per payer and key) and of the posting state machine. */
export interface Transfer {
  id: string;
  payer: string;
  payee: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  requestHash: string;
  deviceId: string;
  kind: TransferKind;
  state: TransferState;
  risk: { decision: string; ruleIds: string[]; reason: string; code?: string } | null;
  code: string | null;
  /** The signed result, returned byte for byte to retries. */
  result: string | null;
  createdAtMs: number;
  /** Payments: the attestation tier the phone paid with. */
  tier?: string;
  /** Thumbprint of the eSE key that signed a payment; a step-up must come from the same key. */
  jkt?: string;
  /** Reversals and refunds: the transfer they return money from. */
  originalId?: string | null;
  /** A payment that answers an integrator's request to pay. */
  requestId?: string | null;
  /** Minor units already reserved by reversals and refunds of this transfer. */
  returned?: number;
  /** The ids of the returns holding those reservations: each gives back its own, once. */
  returns?: string[];
  /** Set while the transfer waits for a PIN-verified step-up confirmation; `interim` is its signed answer. */
  stepUp?: StepUp | null;
  /** Until when a recovery (start-up or sweep, any replica) has taken this PENDING transfer up. */
  recoveryUntilMs?: number | null;
  /**
   * The outcome a completion decided for a transfer that does not post, recorded before anything
   * announces it: a later completion (recovery) ends the transfer the same way instead of deciding again.
   */
  decided?: DecidedOutcome | null;
}

/** A PENDING transfer's decided outcome when it does not post (the debit refused, a refusal, a decline). */
export interface DecidedOutcome {
  state: 'FAILED' | 'DECLINED';
  code: string | null;
}

/** A step-up the daemon must answer before the transfer posts. */
export interface StepUp {
  challenge: string;
  expiresAtMs: number;
  interim: string;
}

export type PaymentRequestState = 'PENDING' | 'COMPLETED' | 'DECLINED' | 'FAILED';

/**
 * An integrator's request to pay (seed 003, CSRF): it never moves money by itself; the payer's
 * daemon pays it after the user confirms on the native UI with the PIN.
 */
export interface PaymentRequest {
  id: string;
  integratorId: string;
  /** The integrator's X-CorrelationID: unique per integrator. */
  correlationId: string;
  /** Hash of the creating request body, to tell a retry from a reuse of the correlation id. */
  bodyHash: string;
  payer: string;
  payee: string;
  amount: number;
  currency: string;
  description: string;
  /**
   * A P2P transfer request (the payee is another customer's wallet); a cash-out's record
   * (`withdrawal`: the customer approved it with a code, it is not a request to pay); absent:
   * merchantpay.
   */
  type?: 'transfer' | 'withdrawal';
  state: PaymentRequestState;
  /** The transfer that claimed the request (at most one). */
  transactionId: string | null;
  /** The creation response, returned byte for byte to retries. */
  response: string;
  createdAtMs: number;
  expiresAtMs: number;
  /** The GSMA optional fields the integrator sent, echoed on the transaction that answers the request. */
  extras?: RequestExtras;
  /** The request's X-Callback-URL, checked against the integrator's callback origins when it was created. */
  callbackUrl?: string;
}

/** The standard optional GSMA fields of a request to pay, kept as sent. */
export interface RequestExtras {
  subType?: string;
  requestingOrganisationTransactionReference?: string;
  requestDate?: string;
  metadata?: { key: string; value: string }[];
}

/**
 * A one-time cash-out code (GSMA authorisation code) a customer made on the phone: it lets an agent
 * withdraw exactly this amount from the payer's wallet, once, before it expires. It is found by a
 * hash of payer and code, never by the code; wrong guesses against the payer's codes are counted.
 */
export interface AuthorisationCode {
  /** base64url SHA-256 of `payer:code` (authCodeKey). */
  id: string;
  payer: string;
  /** The phone's order id: one code per (payer, orderId). */
  orderId: string;
  /** Hash of the signed order's payload, to tell a resent order from a reuse of its id. */
  requestHash: string;
  /** The device that ordered it, and its attestation tier: what risk is told when it is redeemed. */
  deviceId: string;
  tier: string;
  amount: number;
  currency: string;
  state: 'ACTIVE' | 'REDEEMED';
  /** Tries charged against this code while it was active (codes tried for its payer, not given back). */
  failures: number;
  /** The ids of those tries: a try is tested against a code only if it was charged to it. */
  tries: string[];
  createdAtMs: number;
  expiresAtMs: number;
  /** The signed answer to the order (it holds the code), returned byte for byte to a resent order. */
  result: string;
  /** Who redeemed it: `integratorId:correlationId` (a retry of that request redeems it again). */
  redeemedBy: string | null;
}

/**
 * A phone number bound to a wallet: the phone holding the wallet reported (eSE-signed) the SIM it
 * holds, and the operator confirmed that the number's working SIM has that IMSI. One per number: the
 * latest confirmed report wins. An integrator's `msisdn` names the wallet only while the operator
 * still confirms the pairing (a swapped SIM unbinds it in effect).
 */
export interface NumberBinding {
  /** E.164. */
  msisdn: string;
  accountId: string;
  deviceId: string;
  /** SHA-256 (base64url) of the IMSI the phone reported. */
  imsiHash: string;
  atMs: number;
}

/** One journal line pair: a debit and a credit of the same amount, hash-chained to the previous entry. */
export interface JournalEntry {
  seq: number;
  transferId: string;
  debit: string;
  credit: string;
  amount: number;
  currency: string;
  atMs: number;
  prevHash: string;
  hash: string;
}

/** An event waiting in the outbox for the relay to publish. */
export interface OutboxEvent {
  id: string;
  topic: string;
  type: string;
  key: string;
  atMs: number;
  data: Record<string, unknown>;
  /** The trace context of the work that wrote it, carried onto the bus by the relay. */
  headers?: Record<string, string>;
}

/** Where an integrator callback stands: waiting for an attempt, delivered, or given up after its retry period. */
export type CallbackState = 'PENDING' | 'DELIVERED' | 'EXPIRED';

/** One integrator callback, stored before any attempt and kept until delivered or given up (at least once). */
export interface CallbackDelivery {
  /** The payment event it reports, sent as X-Event-Id: the same on every attempt, for the integrator to deduplicate. */
  id: string;
  integratorId: string;
  requestId: string;
  transactionId: string;
  /** Where every attempt goes: the request's X-Callback-URL, else the integrator's callbackUrl, when stored. */
  url: string;
  /** The request's X-CorrelationID, sent on every attempt. */
  correlationId: string;
  /**
   * The body every attempt sends: the transaction's integrator view, signed once, when the delivery
   * is stored, or (its final event came before the transfer's final write) once the transfer is final.
   */
  body: string | null;
  state: CallbackState;
  attempts: number;
  /** When the next attempt is due; a claimed attempt moves it past the attempt's timeout. */
  nextAtMs: number;
  /** No attempt starts after this. */
  giveUpAtMs: number;
}
