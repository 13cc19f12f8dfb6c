/** A wallet or treasury account. `applied` lists in-flight transfer ids already applied (idempotent steps). */
export interface Account {
  id: string;
  currency: string;
  balance: number;
  holderDeviceId: string | null;
  applied: string[];
  createdAtMs: number;
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
  kind: 'payment' | 'funding' | 'reversal' | 'refund';
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
  /** Set while the transfer waits for a PIN-verified step-up confirmation; `interim` is its signed answer. */
  stepUp?: StepUp | null;
  /** Until when a recovery (start-up or sweep, any replica) has taken this PENDING transfer up. */
  recoveryUntilMs?: number | null;
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
  state: PaymentRequestState;
  /** The transfer that claimed the request (at most one). */
  transactionId: string | null;
  /** The creation response, returned byte for byte to retries. */
  response: string;
  createdAtMs: number;
  expiresAtMs: number;
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

/**
 * Storage of the transaction service. Every operation touches one document, so correctness never
 * depends on multi-document transactions (brief §5).
 */
export interface LedgerStore {
  /** Inserts an account; false when the id exists. */
  createAccount(a: Account): Promise<boolean>;
  getAccount(id: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  /** Conditional debit: applies once per transfer and only if balance >= amount. */
  debit(accountId: string, transferId: string, amount: number): Promise<'applied' | 'already' | 'insufficient'>;
  /** Credit applied once per transfer. */
  credit(accountId: string, transferId: string, amount: number): Promise<'applied' | 'already'>;
  /** Forgets the applied markers of a finished transfer. */
  clearApplied(accountIds: string[], transferId: string): Promise<void>;
  /** Inserts a transfer unless (payer, idempotencyKey) exists; then returns the existing one. */
  insertTransfer(t: Transfer): Promise<{ created: boolean; transfer: Transfer }>;
  getTransfer(id: string): Promise<Transfer | null>;
  /** The transfer a payer made with this idempotency key, if any (settles a payment whose answer was lost). */
  findTransfer(payer: string, idempotencyKey: string): Promise<Transfer | null>;
  /** Records the risk decision on a pending transfer. */
  setRisk(id: string, risk: NonNullable<Transfer['risk']>): Promise<void>;
  /** Moves a PENDING transfer to its final state with the signed result; false if it was not pending. */
  finishTransfer(id: string, state: Exclude<TransferState, 'PENDING'>, code: string | null, result: string): Promise<boolean>;
  listPending(): Promise<Transfer[]>;
  /** Takes a PENDING transfer up for recovery until `untilMs`, unless another recovery holds it past `nowMs`; false otherwise. */
  claimRecovery(id: string, nowMs: number, untilMs: number): Promise<boolean>;
  /** Puts a PENDING transfer without a step-up on hold for one; false otherwise. */
  setStepUp(id: string, stepUp: StepUp): Promise<boolean>;
  /** Consumes the step-up whose challenge matches, recording the new risk answer; false otherwise. */
  passStepUp(id: string, challenge: string, risk: NonNullable<Transfer['risk']>): Promise<boolean>;
  /** Reserves `amount` of a POSTED transfer for a return, if returned + amount <= its amount. */
  reserveReturn(id: string, amount: number): Promise<boolean>;
  /** Gives back a reservation whose return did not post. */
  releaseReturn(id: string, amount: number): Promise<void>;
  /** Inserts a payment request unless (integratorId, correlationId) exists; then returns the existing one. */
  insertRequest(r: PaymentRequest): Promise<{ created: boolean; request: PaymentRequest }>;
  getRequest(id: string): Promise<PaymentRequest | null>;
  /** PENDING requests whose payer is `payer`, unclaimed. */
  listOpenRequests(payer: string): Promise<PaymentRequest[]>;
  /** Claims a PENDING, unclaimed request for one transfer; false if it was taken. */
  claimRequest(id: string, transactionId: string): Promise<boolean>;
  /** Moves a request claimed by `transactionId` from PENDING to its final state. */
  finishRequest(id: string, transactionId: string, state: Exclude<PaymentRequestState, 'PENDING'>): Promise<void>;
  /** Appends the entry `make` builds on the current last one; idempotent per transfer id. */
  appendJournal(transferId: string, make: (prev: JournalEntry | null) => JournalEntry): Promise<JournalEntry>;
  /** Journal entries in seq order: all of them, or up to `limit` after `afterSeq`. */
  readJournal(afterSeq?: number, limit?: number): Promise<JournalEntry[]>;
  /** Entries in the journal (its last seq). */
  journalLength(): Promise<number>;
  /** The last signed journal checkpoint (compact JWS), or null. */
  getCheckpoint(): Promise<string | null>;
  /** Stores a signed checkpoint for `seq`, unless one for a later seq is already stored. */
  putCheckpoint(seq: number, jws: string): Promise<void>;
  /** Events waiting in the outbox (its backlog). */
  outboxBacklog(): Promise<number>;
  addOutbox(events: OutboxEvent[]): Promise<void>;
  pendingOutbox(limit: number): Promise<OutboxEvent[]>;
  markSent(ids: string[]): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
