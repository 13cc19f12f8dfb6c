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
  kind: 'payment' | 'funding';
  state: TransferState;
  risk: { decision: string; ruleIds: string[]; reason: string } | null;
  code: string | null;
  /** The signed result, returned byte for byte to retries. */
  result: string | null;
  createdAtMs: number;
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
  /** Records the risk decision on a pending transfer. */
  setRisk(id: string, risk: NonNullable<Transfer['risk']>): Promise<void>;
  /** Moves a PENDING transfer to its final state with the signed result; false if it was not pending. */
  finishTransfer(id: string, state: Exclude<TransferState, 'PENDING'>, code: string | null, result: string): Promise<boolean>;
  listPending(): Promise<Transfer[]>;
  /** Appends the entry `make` builds on the current last one; idempotent per transfer id. */
  appendJournal(transferId: string, make: (prev: JournalEntry | null) => JournalEntry): Promise<JournalEntry>;
  readJournal(): Promise<JournalEntry[]>;
  addOutbox(events: OutboxEvent[]): Promise<void>;
  pendingOutbox(limit: number): Promise<OutboxEvent[]>;
  markSent(ids: string[]): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
