import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { connectMongo, isDuplicateKey } from '../../kit/src/mongo.js';
import { describeWithServer, dropDatabases, mongoCaps, uniqueName } from './support/infra.js';

interface Wallet {
  _id: string;
  balance: number;
  n?: number;
}

/** Runs `op` with `inFlight` calls at a time for `ms`, then lets the started ones finish; calls per second. */
async function rate(op: (i: number) => Promise<unknown>, ms: number, inFlight = 16): Promise<number> {
  const start = Date.now();
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() - start < ms) {
        await op(next++);
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - start) / 1000);
}

async function fill(conn: Connection, name: string, count: number): Promise<void> {
  const wallets = conn.db!.collection<Wallet>(name);
  const have = await wallets.countDocuments();
  for (let from = have; from < count; from += 5_000) {
    const to = Math.min(count, from + 5_000);
    await wallets.insertMany(
      Array.from({ length: to - from }, (_, i) => ({ _id: `w${from + i}`, balance: 1_000_000, n: from + i })),
      { ordered: false },
    );
  }
}

const caps = await mongoCaps();

/**
 * What the stores rely on from the MongoDB-compatible server itself, through the bare driver: a
 * conditional update is applied atomically (the ledger's debit), a unique index admits one of many
 * racing inserts (idempotency keys), an applied upsert is counted in its result (risk windows; secantusd
 * may return no document for one that became an update), and a lookup by `_id` does not slow down with the collection's
 * size. FerretDB 1.24 fails the first and the last (docs/ARCHITECTURE.md, "Test servers").
 */
describeWithServer('MONGODB_URI', `MongoDB-compatible server contract: ${caps.server}`, (uri) => {
  const dbName = uniqueName('contract_server');
  let conn: Connection;
  beforeAll(async () => {
    conn = await connectMongo({ uri, dbName, attempts: 3 });
  });
  afterAll(async () => {
    await conn.close();
    await dropDatabases(uri, [dbName]);
  });

  it(
    'applies 200 concurrent conditional debits atomically: ' + 'exactly 100 succeed and the balance ends at 0',
    async () => {
      const wallets = conn.db!.collection<Wallet>('race_debit');
      await wallets.insertOne({ _id: 'a', balance: 1_000 });
      const results = await Promise.all(
        Array.from({ length: 200 }, () =>
          wallets.updateOne({ _id: 'a', balance: { $gte: 10 } }, { $inc: { balance: -10 } }),
        ),
      );
      expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(100);
      expect((await wallets.findOne({ _id: 'a' }))?.balance).toBe(0);
    },
  );

  it(
    'admits exactly one of 200 concurrent inserts of one ' + 'unique key; the others fail with a duplicate-key error',
    async () => {
      const keys = conn.db!.collection<{ _id: string; payer: string; key: string }>('race_unique');
      await keys.createIndex({ payer: 1, key: 1 }, { unique: true });
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          keys.insertOne({ _id: `t${i}`, payer: 'p', key: 'k' }).then(
            () => 'inserted',
            (err: unknown) => (isDuplicateKey(err) ? 'duplicate' : String(err)),
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(199);
      expect(await keys.countDocuments({ payer: 'p', key: 'k' })).toBe(1);
    },
  );

  it(
    'counts every applied conditional upsert in its result ' +
      '(n), also when racing upserts of one bucket become updates',
    async () => {
      const buckets = conn.db!.collection<{ _id: string; count: number }>('race_upsert');
      for (let round = 0; round < 5; round++) {
        const _id = `b${round}`;
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            buckets
              .findOneAndUpdate(
                { _id, count: { $lte: 6 } },
                { $inc: { count: 1 } },
                { upsert: true, returnDocument: 'after', includeResultMetadata: true },
              )
              .then(
                (r) => (r.lastErrorObject?.n === 1 ? 'applied' : 'not applied'),
                (err: unknown) => (isDuplicateKey(err) ? 'duplicate' : String(err)),
              ),
          ),
        );
        expect(results.filter((r) => r === 'applied')).toHaveLength((await buckets.findOne({ _id }))!.count);
        expect(results.filter((r) => r !== 'applied' && r !== 'duplicate')).toEqual([]);
        expect((await buckets.findOne({ _id }))?.count).toBe(7);
      }
    },
  );

  /**
   * A benchmark more than a test: it prints findOne-by-_id and conditional-debit rates at 1k and 100k
   * documents. The bound only catches a server that reads the collection per lookup (100x the work
   * at 100x the documents); a busy machine moves both rates together.
   */
  it('keeps lookups and conditional debits by _id flat from 1k to 100k documents', { timeout: 240_000 }, async () => {
    const measure = async (size: number) => {
      await fill(conn, 'growth', size);
      const wallets = conn.db!.collection<Wallet>('growth');
      const id = (i: number) => `w${(i * 7919) % size}`;
      const findOne = await rate((i) => wallets.findOne({ _id: id(i) }), 1_500);
      const debit = await rate(
        (i) => wallets.updateOne({ _id: id(i), balance: { $gte: 1 } }, { $inc: { balance: -1 } }),
        1_500,
      );
      return { size, findOnePerSec: Math.round(findOne), debitPerSec: Math.round(debit) };
    };
    const small = await measure(1_000);
    const large = await measure(100_000);
    console.log(`[growth] ${caps.server}: ${JSON.stringify(small)} -> ${JSON.stringify(large)}`);
    expect(large.findOnePerSec).toBeGreaterThan(small.findOnePerSec / 10);
    expect(large.debitPerSec).toBeGreaterThan(small.debitPerSec / 10);
  });
});
