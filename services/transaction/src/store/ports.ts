import type {
  Account,
  AuthorisationCode,
  NumberBinding,
  CallbackDelivery,
  DecidedOutcome,
  JournalEntry,
  OutboxEvent,
  PaymentRequest,
  PaymentRequestState,
  StepUp,
  Transfer,
  TransferState,
} from '../domain/model.js';
import type { RateAllowance } from '../domain/rate.js';

/** What a debit did, and the account's balance after it. */
export interface Debit {
  outcome: 'applied' | 'already' | 'insufficient';
  balance: number;
}

/**
 * Which of an account's transfers a listing asks for (GSMA fromDateTime, toDateTime, transactionStatus):
 * created within [fromMs, toMs] (both inclusive, either open) and in `state`, when given.
 */
export interface TransferFilter {
  fromMs?: number;
  toMs?: number;
  state?: TransferState;
}

/** Accounts and their balances: conditional, idempotent debits and credits per transfer. */
export interface AccountStore {
  /** Inserts an account; false when the id exists. */
  createAccount(a: Account): Promise<boolean>;
  getAccount(id: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  /**
   * Conditional debit: applies once per transfer and only if balance >= amount; answers with the
   * balance right after this debit (when applied) or as found (otherwise), read in the same step.
   */
  debit(accountId: string, transferId: string, amount: number): Promise<Debit>;
  /** Credit applied once per transfer. */
  credit(accountId: string, transferId: string, amount: number): Promise<'applied' | 'already'>;
  /** Forgets the applied markers of a finished transfer. */
  clearApplied(accountIds: string[], transferId: string): Promise<void>;
}

/** Transfers: idempotent admission, the posting state machine, recovery, step-ups and returns. */
export interface TransferStore {
  /** Inserts a transfer unless (payer, idempotencyKey) exists; then returns the existing one. */
  insertTransfer(t: Transfer): Promise<{ created: boolean; transfer: Transfer }>;
  getTransfer(id: string): Promise<Transfer | null>;
  /** The transfer a payer made with this idempotency key, if any (settles a payment whose answer was lost). */
  findTransfer(payer: string, idempotencyKey: string): Promise<Transfer | null>;
  /**
   * Transfers into or out of an account that match `filter`, newest first (by creation time, then id),
   * `limit` after `offset`.
   */
  listAccountTransfers(accountId: string, filter: TransferFilter, limit: number, offset: number): Promise<Transfer[]>;
  /** How many transfers into or out of an account match `filter` (whatever the page). */
  countAccountTransfers(accountId: string, filter: TransferFilter): Promise<number>;
  /** Records the risk decision on a pending transfer. */
  setRisk(id: string, risk: NonNullable<Transfer['risk']>): Promise<void>;
  /** Moves a PENDING transfer to its final state with the signed result; false if it was not pending. */
  finishTransfer(
    id: string,
    state: Exclude<TransferState, 'PENDING'>,
    code: string | null,
    result: string,
  ): Promise<boolean>;
  listPending(): Promise<Transfer[]>;
  /**
   * Takes a PENDING transfer up for completion (its creator's, or a recovery) until `untilMs`,
   * unless another completion holds it past `nowMs`; false otherwise. With `risk`, records risk's
   * answer in the same write. A transfer with a decided outcome (`decideTransfer`) is refused unless
   * `decided` is `any`: only a completion that reads the transfer again once it holds it (recovery)
   * may take one up; one working from its own copy would decide it again.
   */
  claimRecovery(
    id: string,
    nowMs: number,
    untilMs: number,
    risk?: NonNullable<Transfer['risk']>,
    decided?: 'none' | 'any',
  ): Promise<boolean>;
  /** Gives back the claim held until `untilMs` (a completion that failed); another's claim stays. */
  releaseRecovery(id: string, untilMs: number): Promise<void>;
  /**
   * Records the outcome decided by the completion holding the claim until `untilMs`, on a PENDING
   * transfer with none recorded yet; false otherwise (the claim was lost, or another outcome stands).
   */
  decideTransfer(id: string, untilMs: number, decided: DecidedOutcome): Promise<boolean>;
  /** Puts a PENDING transfer without a step-up on hold for one; false otherwise. */
  setStepUp(id: string, stepUp: StepUp): Promise<boolean>;
  /** Consumes the step-up whose challenge matches, recording the new risk answer; false otherwise. */
  passStepUp(id: string, challenge: string, risk: NonNullable<Transfer['risk']>): Promise<boolean>;
  /**
   * Reserves `amount` of a POSTED transfer for the return `returnId`, if returned + amount <= its
   * amount, in one conditional write that records the return's id with the amount.
   */
  reserveReturn(id: string, amount: number, returnId: string): Promise<boolean>;
  /** Gives back the reservation of a return that did not post, if it holds one: at most once. */
  releaseReturn(id: string, amount: number, returnId: string): Promise<void>;
}

/** Integrators' requests to pay: unique per (integrator, correlation id), claimed by at most one transfer. */
export interface RequestStore {
  /** Inserts a payment request unless (integratorId, correlationId) exists; then returns the existing one. */
  insertRequest(r: PaymentRequest): Promise<{ created: boolean; request: PaymentRequest }>;
  getRequest(id: string): Promise<PaymentRequest | null>;
  /** The request an integrator created with this correlation id, if any. */
  findRequest(integratorId: string, correlationId: string): Promise<PaymentRequest | null>;
  /** PENDING requests whose payer is `payer`, unclaimed: what its phone may pay (no withdrawal records). */
  listOpenRequests(payer: string): Promise<PaymentRequest[]>;
  /**
   * Claims a PENDING, unclaimed request for one transfer, in one conditional write; with
   * `notExpiredAtMs`, only if the request has not expired by then (`expiresAtMs >= notExpiredAtMs`).
   * False if it was taken or had expired.
   */
  claimRequest(id: string, transactionId: string, notExpiredAtMs?: number): Promise<boolean>;
  /** Moves a request claimed by `transactionId` from PENDING to its final state. */
  finishRequest(id: string, transactionId: string, state: Exclude<PaymentRequestState, 'PENDING'>): Promise<void>;
}

/** The hash-chained journal and its signed checkpoint. */
export interface JournalStore {
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
}

/** Events written with the work that caused them, waiting for the relay to publish them. */
export interface OutboxStore {
  /** Events waiting in the outbox (its backlog). */
  outboxBacklog(): Promise<number>;
  addOutbox(events: OutboxEvent[]): Promise<void>;
  pendingOutbox(limit: number): Promise<OutboxEvent[]>;
  markSent(ids: string[]): Promise<void>;
  /**
   * Takes or renews the relay lease: true when `holder` now holds it until `untilMs` (it was free,
   * had expired at `nowMs`, or was already `holder`'s); false while another holder's lease runs.
   */
  leaseRelay(holder: string, nowMs: number, untilMs: number): Promise<boolean>;
}

/** Integrator callbacks: stored once per event, claimed per attempt, kept until delivered or given up. */
export interface CallbackStore {
  /** Stores a delivery unless one with its id exists (false then). */
  addCallback(c: CallbackDelivery): Promise<boolean>;
  /** PENDING deliveries due at `nowMs`, the earliest first. */
  dueCallbacks(nowMs: number, limit: number): Promise<CallbackDelivery[]>;
  /** Claims a PENDING delivery for one attempt by moving its due time from `dueAtMs` to `untilMs`; false if taken. */
  claimCallback(id: string, dueAtMs: number, untilMs: number): Promise<boolean>;
  /**
   * Records how an attempt ended (DELIVERED, EXPIRED, or PENDING again from `nextAtMs`), only while the
   * claim that attempt took (`claimedUntilMs`, the `untilMs` it claimed with) is still the delivery's:
   * an attempt that outlived its claim, after which another took the delivery, changes nothing (false).
   */
  settleCallback(
    id: string,
    claimedUntilMs: number,
    next: Pick<CallbackDelivery, 'state' | 'attempts' | 'nextAtMs'> & { body?: string },
  ): Promise<boolean>;
  getCallback(id: string): Promise<CallbackDelivery | null>;
}

/** What a redemption must match besides the code: the wallet it debits and the exact amount. */
export interface AuthCodeMatch {
  payer: string;
  amount: number;
  currency: string;
}

/** One-time cash-out codes: unique per code and per (payer, orderId), redeemed at most once. */
export interface AuthCodeStore {
  /**
   * Inserts a code unless its (payer, orderId) exists (then answers that one, created false) or its
   * id is taken by another code (then code null: draw another).
   */
  insertAuthCode(c: AuthorisationCode): Promise<{ created: boolean; code: AuthorisationCode | null }>;
  /**
   * Charges the try `tryId` against every active code of the payer charged fewer than `maxFailures`
   * times, in one write per code: true when it was charged to any. A code can thus be tested by at
   * most `maxFailures` tries, however many arrive at once.
   */
  chargeAuthCodeTry(payer: string, tryId: string, maxFailures: number): Promise<boolean>;
  /**
   * In one conditional write: redeems the code `id` for `by` when it matches, is ACTIVE, unexpired at
   * `nowMs` and was charged with `tryId`; a code `by` already redeemed is answered again. Null otherwise.
   */
  redeemAuthCode(
    id: string,
    match: AuthCodeMatch,
    by: string,
    tryId: string,
    nowMs: number,
  ): Promise<AuthorisationCode | null>;
  /** Gives the try back to the codes it was charged against (it redeemed a code: it was no wrong guess). */
  refundAuthCodeTry(payer: string, tryId: string): Promise<void>;
}

/** Phone numbers bound to wallets, one binding per number. */
export interface NumberStore {
  /** Binds the number, replacing any earlier binding of it. */
  bindNumber(b: NumberBinding): Promise<void>;
  getNumber(msisdn: string): Promise<NumberBinding | null>;
}

/** Integrators' request allowances (domain/rate.ts), shared by every replica on the store. */
export interface RateStore {
  /** Takes one request at `nowMs` from `key`'s allowance: false when it is used up. */
  takeRate(key: string, nowMs: number, allowance: RateAllowance): Promise<boolean>;
}

/** The store's connection: readiness and shutdown. */
export interface StoreLifecycle {
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Storage of the transaction service: every role port on one store. Every operation touches one
 * document, so correctness never depends on multi-document transactions (brief §5).
 */
export type LedgerStore = AccountStore &
  TransferStore &
  RequestStore &
  JournalStore &
  OutboxStore &
  CallbackStore &
  AuthCodeStore &
  NumberStore &
  RateStore &
  StoreLifecycle;
