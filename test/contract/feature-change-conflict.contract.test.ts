import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection, mongo } from 'mongoose';
import type { DfsError } from '../../kit/src/errors.js';
import { connectMongo } from '../../kit/src/mongo.js';
import { byKey, type Stored } from '../../services/risk/src/store/mongo/models.js';
import { describeWithServer, dropDatabases, uniqueName } from './support/infra.js';

interface Counter {
  n: number;
  others?: number;
}

type Doc = Stored<Counter>;

/**
 * The collection as risk's adapter sees it, with another process's write placed between each of the
 * first `races` reads and the write that follows it: the `find` answers what was stored, then that
 * process bumps the document (its own change, a new `_version`), as a second risk replica learning
 * the same payee would. `reads` counts the reads.
 */
function otherWriterAfterReads(col: mongo.Collection<Doc>, races: number) {
  const seen = { reads: 0 };
  const raced = new Proxy(col, {
    get(target, prop) {
      if (prop === 'find')
        return (filter: mongo.Filter<Doc>) => ({
          toArray: async () => {
            const docs = await target.find(filter).toArray();
            if (seen.reads++ < races)
              for (const d of docs) await target.updateOne({ _id: d._id }, { $inc: { _version: 1, others: 1 } });
            return docs;
          },
        });
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { raced, seen };
}

// What a change does when other writers keep beating it: it reads and tries again (services/risk/src/store/
// mongo/models.ts, CHANGE_TRIES), then fails its event with FEATURE_UPDATE_CONFLICT, and writes nothing
// half: the event is delivered again (event-bus contract: a failed handler's event is redelivered).
describeWithServer('MONGODB_URI', "a risk feature change beaten by another replica's writes", (uri) => {
  let conn: Connection;
  let col: mongo.Collection<Doc>;
  const dbName = uniqueName('feature_conflict');
  beforeAll(async () => {
    conn = await connectMongo({ uri, dbName });
    col = conn.db!.collection<Doc>('risk_parties');
  });
  afterAll(async () => {
    await conn.close();
    await dropDatabases(uri, [dbName]);
  });

  const addOne = (d: Counter | null): Counter => ({ ...d, n: (d?.n ?? 0) + 1 });

  it('applies a change when nothing comes between its read and its write', async () => {
    await byKey<Counter>(col).change('p1', addOne);
    await byKey<Counter>(col).change('p1', addOne);
    expect(await col.findOne({ _id: 'p1' })).toEqual({ _id: 'p1', n: 2, _version: 2 });
  });

  it('reads again after a lost race and keeps both changes', async () => {
    await col.insertOne({ _id: 'p2', n: 0, _version: 1 });
    const { raced, seen } = otherWriterAfterReads(col, 1);
    await byKey<Counter>(raced).change('p2', addOne);
    expect(seen.reads).toBe(2);
    // The other write (others: 1) and this change (n: 1) both survive.
    expect(await col.findOne({ _id: 'p2' })).toEqual({ _id: 'p2', n: 1, others: 1, _version: 3 });
  });

  it('fails with FEATURE_UPDATE_CONFLICT after 20 lost races, leaving only the other writes', async () => {
    // A line's document is keyed by its phone number: the error, which reaches logs, masks it.
    const line = '+254700123456';
    await col.insertOne({ _id: line, n: 7, _version: 1 });
    const { raced, seen } = otherWriterAfterReads(col, Infinity);
    const error = (await byKey<Counter>(raced)
      .change(line, addOne)
      .then(
        () => null,
        (e: unknown) => e,
      )) as DfsError;
    expect(error).toMatchObject({ code: 'FEATURE_UPDATE_CONFLICT' });
    expect(`${error.message} ${error.detail ?? ''} ${error.stack ?? ''}`).not.toContain('700123456');
    expect(seen.reads).toBe(20);
    expect(await col.findOne({ _id: line })).toEqual({ _id: line, n: 7, others: 20, _version: 21 });
    // Delivered again once the other writer is done, the same change applies on what is stored now.
    await byKey<Counter>(col).change(line, addOne);
    expect(await col.findOne({ _id: line })).toEqual({ _id: line, n: 8, others: 20, _version: 22 });
  });
});
