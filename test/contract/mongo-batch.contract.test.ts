import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection, mongo } from 'mongoose';
import { connectMongo } from '../../kit/src/mongo.js';
import {
  groupedConditionalUpsert,
  groupedFindById,
  groupedInsert,
  groupedReplaceIf,
  groupedUpdate,
} from '../../kit/src/mongo-batch.js';
import { workCounts } from '../../kit/src/work.js';
import { describeWithServer, dropDatabases, uniqueName } from './support/infra.js';

interface Wallet {
  _id: string;
  balance: number;
}

describeWithServer('MONGODB_URI', 'grouped store commands (group commit) on the server', (uri) => {
  let conn: Connection;
  let wallets: mongo.Collection<Wallet>;
  const dbName = uniqueName('batch');
  beforeAll(async () => {
    conn = await connectMongo({ uri, dbName });
    wallets = conn.db!.collection<Wallet>('wallets');
  });
  afterAll(async () => {
    await conn.close();
    await dropDatabases(uri, [dbName]);
  });

  it('inserts concurrent documents with one command, telling each caller if its own insert was refused', async () => {
    await wallets.insertOne({ _id: 'taken', balance: 1 });
    const insert = groupedInsert(wallets);
    const before = workCounts();
    const ids = ['a', 'taken', 'b', 'a', 'c'];
    const inserted = await Promise.all(ids.map((id) => insert({ _id: id, balance: 5 })));
    const after = workCounts();
    expect(after.storeCommands - before.storeCommands).toBe(1);
    // Counted under its collection and command too (what `dfs load` reports as storeCommandsBy).
    const named = (w: typeof before) => w.storeCommandsBy['wallets insert'] ?? 0;
    expect(named(after) - named(before)).toBe(1);
    expect(inserted).toEqual([true, false, true, false, true]);
    expect(await wallets.countDocuments()).toBe(4);
    expect((await wallets.findOne({ _id: 'taken' }))?.balance).toBe(1);
  });

  it('reads concurrent ids with one command, each caller getting its own document or null', async () => {
    const read = groupedFindById(wallets);
    const before = workCounts().storeCommands;
    const docs = await Promise.all(['b', 'missing', 'taken', 'b'].map((id) => read(id)));
    expect(workCounts().storeCommands - before).toBe(1);
    expect(docs.map((d) => d?._id ?? null)).toEqual(['b', null, 'taken', 'b']);
  });

  it('applies concurrent updates with one command; a failed update fails its caller alone', async () => {
    const update = groupedUpdate(wallets);
    const before = workCounts().storeCommands;
    const outcomes = await Promise.allSettled([
      update({ filter: { _id: 'a' }, update: { $inc: { balance: 10 } } }),
      update({ filter: { _id: 'b' }, update: { $inc: { balance: 'x' as unknown as number } } }),
      update({ filter: { _id: 'c' }, update: { $inc: { balance: -5 } } }),
    ]);
    expect(workCounts().storeCommands - before).toBe(1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const after = await wallets.find({ _id: { $in: ['a', 'b', 'c'] } }, { sort: { _id: 1 } }).toArray();
    expect(after.map((w) => w.balance)).toEqual([15, 5, 0]);
  });
  it('applies concurrent conditional upserts with one command; each learns matched, upserted or refused', async () => {
    await wallets.insertMany([
      { _id: 'room', balance: 10 },
      { _id: 'full', balance: 95 },
    ]);
    const upsertIf = groupedConditionalUpsert(wallets);
    const under = (id: string, add: number) => ({
      filter: { _id: id, balance: { $lte: 100 - add } },
      update: { $inc: { balance: add } },
    });
    const before = workCounts().storeCommands;
    const outcomes = await Promise.allSettled([
      upsertIf(under('room', 10)),
      upsertIf(under('full', 10)),
      upsertIf(under('new', 10)),
      upsertIf(under('new', 10)),
      upsertIf({ filter: { _id: 'room' }, update: { $inc: { balance: 'x' as unknown as number } } }),
    ]);
    expect(workCounts().storeCommands - before).toBe(1);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'error'))).toEqual([
      'matched',
      'refused',
      'upserted',
      expect.stringMatching(/^(matched|refused)$/),
      'error',
    ]);
    const after = await wallets.find({ _id: { $in: ['room', 'full', 'new'] } }, { sort: { _id: 1 } }).toArray();
    const second = outcomes[3]!.status === 'fulfilled' && outcomes[3]!.value === 'matched' ? 10 : 0;
    expect(after.map((w) => [w._id, w.balance])).toEqual([
      ['full', 95],
      ['new', 10 + second],
      ['room', 20],
    ]);
  });
  it('compare-and-sets concurrent whole documents with one command, inserting the missing ones', async () => {
    type Versioned = Wallet & { v?: number };
    const docs = conn.db!.collection<Versioned>('versioned');
    await docs.insertMany([
      { _id: 'v1', balance: 1, v: 1 },
      { _id: 'v2', balance: 2, v: 1 },
      { _id: 'old', balance: 3 },
    ]);
    const swap = groupedReplaceIf(docs, 'v');
    const before = workCounts().storeCommands;
    const written = await Promise.all([
      swap({ _id: 'v1', balance: 10, v: 2 }, 1), // the version read: written
      swap({ _id: 'v2', balance: 20, v: 2 }, 0), // another write came first: refused
      swap({ _id: 'old', balance: 30, v: 1 }, null), // no version yet: written
      swap({ _id: 'new', balance: 40, v: 1 }, null), // missing: inserted
      swap({ _id: 'new', balance: 50, v: 1 }, null), // created by the call before: refused
    ]);
    expect(workCounts().storeCommands - before).toBe(1);
    expect(written).toEqual([true, false, true, true, false]);
    expect(await docs.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'new', balance: 40, v: 1 },
      { _id: 'old', balance: 30, v: 1 },
      { _id: 'v1', balance: 10, v: 2 },
      { _id: 'v2', balance: 2, v: 1 },
    ]);
  });
});
