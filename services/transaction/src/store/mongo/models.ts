import { Schema, type Connection, type mongo, type Types } from 'mongoose';
import type {
  Account,
  AuthorisationCode,
  NumberBinding,
  CallbackDelivery,
  JournalEntry,
  OutboxEvent,
  PaymentRequest,
  Transfer,
} from '../../domain/model.js';

const opts = { versionKey: false, minimize: false } as const;
const Mixed = Schema.Types.Mixed;

const accountSchema = new Schema(
  {
    _id: String,
    currency: String,
    balance: Number,
    holderDeviceId: { type: String, default: null },
    applied: { type: [String], default: [] },
    createdAtMs: Number,
    name: String,
  },
  opts,
);

const transferSchema = new Schema(
  {
    _id: String,
    payer: String,
    payee: String,
    amount: Number,
    currency: String,
    idempotencyKey: String,
    requestHash: String,
    deviceId: String,
    kind: String,
    state: String,
    risk: { type: Mixed, default: null },
    code: { type: String, default: null },
    result: { type: String, default: null },
    createdAtMs: Number,
    originalId: String,
    requestId: String,
    returned: Number,
    returns: [String],
    stepUp: Mixed,
    recoveryUntilMs: Number,
    decided: Mixed,
  },
  { ...opts, strict: false },
);
transferSchema.index({ payer: 1, idempotencyKey: 1 }, { unique: true });
transferSchema.index({ state: 1, createdAtMs: 1 });
transferSchema.index({ payer: 1, createdAtMs: -1, _id: -1 });
transferSchema.index({ payee: 1, createdAtMs: -1, _id: -1 });

const requestSchema = new Schema(
  {
    _id: String,
    integratorId: String,
    correlationId: String,
    bodyHash: String,
    payer: String,
    payee: String,
    amount: Number,
    currency: String,
    description: String,
    state: String,
    transactionId: { type: String, default: null },
    response: String,
    createdAtMs: Number,
    expiresAtMs: Number,
    callbackUrl: String,
  },
  { ...opts, strict: false },
);
requestSchema.index({ integratorId: 1, correlationId: 1 }, { unique: true });
requestSchema.index({ payer: 1, state: 1 });

const journalSchema = new Schema(
  {
    _id: Number,
    transferId: String,
    debit: String,
    credit: String,
    amount: Number,
    currency: String,
    atMs: Number,
    prevHash: String,
    hash: String,
  },
  opts,
);
journalSchema.index({ transferId: 1 }, { unique: true });

const checkpointSchema = new Schema({ _id: String, seq: Number, jws: String }, opts);
const callbackSchema = new Schema(
  {
    _id: String,
    integratorId: String,
    requestId: String,
    transactionId: String,
    url: String,
    correlationId: String,
    body: String,
    state: String,
    attempts: Number,
    nextAtMs: Number,
    giveUpAtMs: Number,
  },
  opts,
);
callbackSchema.index({ state: 1, nextAtMs: 1 });
const leaseSchema = new Schema({ _id: String, holder: String, untilMs: Number }, { versionKey: false });

const outboxSchema = new Schema(
  {
    _id: String,
    order: Schema.Types.ObjectId,
    topic: String,
    type: String,
    key: String,
    atMs: Number,
    data: { type: Mixed, default: {} },
    headers: Mixed,
  },
  opts,
);
outboxSchema.index({ order: 1 });

const authCodeSchema = new Schema(
  {
    _id: String,
    payer: String,
    orderId: String,
    requestHash: String,
    deviceId: String,
    tier: String,
    amount: Number,
    currency: String,
    state: String,
    failures: Number,
    tries: [String],
    createdAtMs: Number,
    expiresAtMs: Number,
    result: String,
    redeemedBy: { type: String, default: null },
  },
  opts,
);
authCodeSchema.index({ payer: 1, orderId: 1 }, { unique: true });
authCodeSchema.index({ payer: 1, state: 1 });

const numberSchema = new Schema(
  { _id: String, accountId: String, deviceId: String, imsiHash: String, atMs: Number },
  opts,
);

/** A caller's request allowance: its GCRA arrival time (domain/rate.ts). */
const rateSchema = new Schema({ _id: String, tat: Number }, opts);

/** A stored document: the domain object with its id field stored as `_id`. */
export type Doc<T, K extends keyof T> = Omit<T, K> & { _id: T[K] };

export const toAccount = ({ _id, ...a }: Doc<Account, 'id'>): Account => ({ id: _id, ...a });
export const toTransfer = ({ _id, ...t }: Doc<Transfer, 'id'>): Transfer => ({ id: _id, ...t });
export const toRequest = ({ _id, ...r }: Doc<PaymentRequest, 'id'>): PaymentRequest => ({ id: _id, ...r });
export const toAuthCode = ({ _id, ...c }: Doc<AuthorisationCode, 'id'>): AuthorisationCode => ({ id: _id, ...c });
export const toNumber = ({ _id, ...b }: Doc<NumberBinding, 'msisdn'>): NumberBinding => ({ msisdn: _id, ...b });
export const toEntry = ({ _id, ...e }: Doc<JournalEntry, 'seq'>): JournalEntry => ({ seq: _id, ...e });
export const toCallback = ({ _id, ...c }: Doc<CallbackDelivery, 'id'>): CallbackDelivery => ({ id: _id, ...c });
export const toEvent = ({ _id, order: _o, ...e }: Doc<OutboxEvent, 'id'> & { order?: unknown }): OutboxEvent => ({
  id: _id,
  ...e,
});

/** Collection names of the ledger; one database may be shared with the other services. */
export const LEDGER_COLLECTIONS = {
  accounts: 'ledger_accounts',
  transfers: 'ledger_transfers',
  requests: 'ledger_payment_requests',
  journal: 'ledger_journal',
  outbox: 'ledger_outbox',
  checkpoints: 'ledger_checkpoints',
  leases: 'ledger_leases',
  callbacks: 'ledger_callbacks',
  authCodes: 'ledger_authorisation_codes',
  numbers: 'ledger_numbers',
  rates: 'ledger_rates',
} as const;

/** The ledger's mongoose models on one connection. */
export function ledgerModels(conn: Connection) {
  return {
    accounts: conn.model('LedgerAccount', accountSchema, LEDGER_COLLECTIONS.accounts),
    transfers: conn.model('LedgerTransfer', transferSchema, LEDGER_COLLECTIONS.transfers),
    requests: conn.model('LedgerPaymentRequest', requestSchema, LEDGER_COLLECTIONS.requests),
    journal: conn.model('LedgerJournal', journalSchema, LEDGER_COLLECTIONS.journal),
    outbox: conn.model('LedgerOutbox', outboxSchema, LEDGER_COLLECTIONS.outbox),
    checkpoints: conn.model('LedgerCheckpoint', checkpointSchema, LEDGER_COLLECTIONS.checkpoints),
    leases: conn.model('LedgerLease', leaseSchema, LEDGER_COLLECTIONS.leases),
    callbacks: conn.model('LedgerCallback', callbackSchema, LEDGER_COLLECTIONS.callbacks),
    authCodes: conn.model('LedgerAuthorisationCode', authCodeSchema, LEDGER_COLLECTIONS.authCodes),
    numbers: conn.model('LedgerNumber', numberSchema, LEDGER_COLLECTIONS.numbers),
    rates: conn.model('LedgerRate', rateSchema, LEDGER_COLLECTIONS.rates),
  };
}

/** The ledger's mongoose models, one per collection. */
export type LedgerModels = ReturnType<typeof ledgerModels>;

export type AccountDoc = Doc<Account, 'id'>;
export type TransferDoc = Doc<Transfer, 'id'>;
export type RequestDoc = Doc<PaymentRequest, 'id'>;
export type EntryDoc = Doc<JournalEntry, 'seq'>;
export type CallbackDoc = Doc<CallbackDelivery, 'id'>;
export type AuthCodeDoc = Doc<AuthorisationCode, 'id'>;
export type NumberDoc = Doc<NumberBinding, 'msisdn'>;
export type RateDoc = { _id: string; tat: number };
export type EventDoc = Doc<OutboxEvent, 'id'> & { order: Types.ObjectId };

/** The driver's collection under a model: the hot path skips mongoose's casting and document building. */
export const driverCollection = <D extends mongo.Document>(model: { collection: unknown }) =>
  model.collection as mongo.Collection<D>;
