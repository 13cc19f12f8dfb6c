import { mongo, Types } from 'mongoose';
import { DfsError } from '../../../../kit/src/errors.js';
import { connectMongo, isDuplicateKey, mongoReady, type MongoOptions } from '../../../../kit/src/mongo.js';
import { ledgerModels, toAccount, toEntry, toEvent, toRequest, toTransfer, type Doc } from './mongo-models.js';
import type { Account, JournalEntry, OutboxEvent, PaymentRequest, Transfer } from '../domain/model.js';
import type { LedgerStore } from './ports.js';

type AccountDoc = Doc<Account, 'id'>;
type TransferDoc = Doc<Transfer, 'id'>;
type RequestDoc = Doc<PaymentRequest, 'id'>;
type EntryDoc = Doc<JournalEntry, 'seq'>;
type EventDoc = Doc<OutboxEvent, 'id'> & { order: Types.ObjectId };

/** A document without its undefined fields (the driver would store them as null). */
const defined = <T extends object>(doc: T): T => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as T;

async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * The ledger store on MongoDB through mongoose. Every operation is one conditional single-document
 * write that the server applies atomically, so it needs no multi-document transactions (brief §5)
 * and any number of replicas may share the store.
 */
export async function mongoLedgerStore(options: MongoOptions): Promise<LedgerStore> {
  const conn = await connectMongo(options);
  const m = ledgerModels(conn);
  try {
    for (const model of Object.values(m)) await model.createIndexes();
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the ledger indexes', { cause: err });
  }
  /** The driver's collections under the models: the hot path skips mongoose's casting and document building. */
  const c = {
    accounts: m.accounts.collection as unknown as mongo.Collection<AccountDoc>,
    transfers: m.transfers.collection as unknown as mongo.Collection<TransferDoc>,
    requests: m.requests.collection as unknown as mongo.Collection<RequestDoc>,
    journal: m.journal.collection as unknown as mongo.Collection<EntryDoc>,
    outbox: m.outbox.collection as unknown as mongo.Collection<EventDoc>,
  };
  const account = async (id: string) => {
    const a = await c.accounts.findOne({ _id: id });
    if (!a) throw new Error(`account ${id} vanished`);
    return a;
  };

  /**
   * Appends one journal entry on the last one, unless the transfer already has one. The last entry is
   * remembered between appends (they run one at a time in this process), so the hot path is one
   * insert. The unique transferId and seq indexes refuse a second entry for a transfer and a collision with
   * another process; only then is the journal read. `make` may build an entry that is not stored.
   */
  let tail: JournalEntry | null | undefined;
  const append = async (transferId: string, make: (prev: JournalEntry | null) => JournalEntry): Promise<JournalEntry> => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      if (tail === undefined) {
        const last = await c.journal.findOne({}, { sort: { _id: -1 } });
        tail = last ? toEntry(last) : null;
      }
      if (tail?.transferId === transferId) return tail;
      const { seq, ...entry } = make(tail);
      if (await insertOnce(() => c.journal.insertOne({ _id: seq, ...entry }))) return (tail = { seq, ...entry });
      const done = await c.journal.findOne({ transferId });
      if (done) return toEntry(done);
      tail = undefined;
    }
    throw new DfsError('STORE_UNAVAILABLE', `journal append for ${transferId} kept colliding`);
  };

  /** Appends run one at a time in this process, so only other processes can collide on a seq. */
  let journalTail: Promise<unknown> = Promise.resolve();

  const findTransfer = async (payer: string, idempotencyKey: string) => {
    const t = await c.transfers.findOne({ payer, idempotencyKey });
    return t ? toTransfer(t) : null;
  };
  return {
    createAccount: ({ id, ...a }) => insertOnce(() => c.accounts.insertOne(defined({ _id: id, ...a }))),
    async getAccount(id) {
      const a = await c.accounts.findOne({ _id: id });
      return a ? toAccount(a) : null;
    },
    async listAccounts() { return (await m.accounts.find().sort({ _id: 1 }).lean<AccountDoc[]>()).map(toAccount); },
    async debit(id, transferId, amount) {
      for (;;) {
        const r = await c.accounts.updateOne(
          { _id: id, balance: { $gte: amount }, applied: { $ne: transferId } },
          { $inc: { balance: -amount }, $push: { applied: transferId } },
        );
        if (r.modifiedCount === 1) return 'applied';
        const a = await account(id);
        if (a.applied.includes(transferId)) return 'already';
        if (a.balance < amount) return 'insufficient';
      }
    },
    async credit(id, transferId, amount) {
      const r = await c.accounts.updateOne({ _id: id, applied: { $ne: transferId } }, { $inc: { balance: amount }, $push: { applied: transferId } });
      if (r.modifiedCount === 1) return 'applied';
      await account(id);
      return 'already';
    },
    async clearApplied(ids, transferId) {
      if (ids.length) await c.accounts.updateMany({ _id: { $in: ids } }, { $pull: { applied: transferId } });
    },
    async insertTransfer(t) {
      const { id, ...rest } = t;
      if (await insertOnce(() => c.transfers.insertOne(defined({ _id: id, ...rest })))) return { created: true, transfer: structuredClone(t) };
      const existing = await findTransfer(t.payer, t.idempotencyKey);
      if (!existing) throw new DfsError('STORE_UNAVAILABLE', `transfer ${id} collided with another id`);
      return { created: false, transfer: existing };
    },
    async getTransfer(id) {
      const t = await c.transfers.findOne({ _id: id });
      return t ? toTransfer(t) : null;
    },
    findTransfer,
    async setRisk(id, risk) { await c.transfers.updateOne({ _id: id, state: 'PENDING' }, { $set: { risk } }); },
    async finishTransfer(id, state, code, result) {
      return (await c.transfers.updateOne({ _id: id, state: 'PENDING' }, { $set: { state, code, result } })).modifiedCount === 1;
    },
    async listPending() {
      return (await m.transfers.find({ state: 'PENDING' }).sort({ createdAtMs: 1, _id: 1 }).lean<TransferDoc[]>()).map(toTransfer);
    },
    async claimRecovery(id, nowMs, untilMs) {
      const free = { $or: [{ recoveryUntilMs: null }, { recoveryUntilMs: { $lte: nowMs } }] };
      return (await c.transfers.updateOne({ _id: id, state: 'PENDING', ...free }, { $set: { recoveryUntilMs: untilMs } })).modifiedCount === 1;
    },
    async setStepUp(id, stepUp) {
      return (await c.transfers.updateOne({ _id: id, state: 'PENDING', stepUp: null }, { $set: { stepUp } })).modifiedCount === 1;
    },
    async passStepUp(id, challenge, risk) {
      return (await c.transfers.updateOne({ _id: id, state: 'PENDING', 'stepUp.challenge': challenge }, { $set: { stepUp: null, risk } })).modifiedCount === 1;
    },
    async reserveReturn(id, amount) {
      const t = await c.transfers.findOne({ _id: id });
      if (!t || amount > t.amount) return false;
      const room = { $or: [{ returned: null }, { returned: { $lte: t.amount - amount } }] } as mongo.Filter<TransferDoc>;
      return (await c.transfers.updateOne({ _id: id, state: 'POSTED', ...room }, { $inc: { returned: amount } })).modifiedCount === 1;
    },
    async releaseReturn(id, amount) {
      const r = await c.transfers.updateOne({ _id: id, returned: { $gte: amount } }, { $inc: { returned: -amount } });
      if (r.modifiedCount === 0) await c.transfers.updateOne({ _id: id, returned: { $lt: amount } }, { $set: { returned: 0 } });
    },
    async insertRequest(r) {
      const { id, ...rest } = r;
      if (await insertOnce(() => c.requests.insertOne(defined({ _id: id, ...rest })))) return { created: true, request: structuredClone(r) };
      const existing = await m.requests.findOne({ integratorId: r.integratorId, correlationId: r.correlationId }).lean<RequestDoc>();
      if (!existing) throw new DfsError('STORE_UNAVAILABLE', `payment request ${id} collided with another id`);
      return { created: false, request: toRequest(existing) };
    },
    async getRequest(id) {
      const r = await c.requests.findOne({ _id: id });
      return r ? toRequest(r) : null;
    },
    async listOpenRequests(payer) {
      return (await m.requests.find({ payer, state: 'PENDING', transactionId: null }).sort({ createdAtMs: 1, _id: 1 }).lean<RequestDoc[]>()).map(toRequest);
    },
    async claimRequest(id, transactionId) {
      return (await c.requests.updateOne({ _id: id, state: 'PENDING', transactionId: null }, { $set: { transactionId } })).modifiedCount === 1;
    },
    async finishRequest(id, transactionId, state) {
      await c.requests.updateOne({ _id: id, state: 'PENDING', transactionId }, { $set: { state } });
    },
    appendJournal(transferId, make) {
      const run = journalTail.then(() => append(transferId, make));
      journalTail = run.catch(() => undefined);
      return run;
    },
    async readJournal(afterSeq = 0, limit = 0) {
      return (await c.journal.find({ _id: { $gt: afterSeq } }, { sort: { _id: 1 }, limit }).toArray()).map(toEntry);
    },
    async journalLength() { return (await c.journal.findOne({}, { sort: { _id: -1 }, projection: { _id: 1 } }))?._id ?? 0; },
    async getCheckpoint() { return (await m.checkpoints.findById('journal').lean<{ jws: string }>())?.jws ?? null; },
    async putCheckpoint(seq, jws) {
      try {
        await m.checkpoints.updateOne({ _id: 'journal', seq: { $lt: seq } }, { $set: { seq, jws } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },
    async outboxBacklog() { return c.outbox.estimatedDocumentCount(); },
    async addOutbox(events) {
      if (events.length === 0) return;
      await insertOnce(() => c.outbox.insertMany(events.map(({ id, ...e }) => ({ _id: id, order: new Types.ObjectId(), ...e })), { ordered: false }));
    },
    async pendingOutbox(limit) {
      return (await c.outbox.find().sort({ order: 1 }).limit(limit).toArray()).map(toEvent);
    },
    async markSent(ids) { if (ids.length) await c.outbox.deleteMany({ _id: { $in: ids } }); },
    ready: () => mongoReady(conn),
    async close() { await conn.close(); },
  };
}
