import type { mongo } from 'mongoose';
import { groupCommit } from './group-commit.js';

type Doc = mongo.Document & { _id: unknown };

const idKey = (id: unknown) => JSON.stringify(id);

/** Reads by `_id`, grouped: the ids of concurrent calls are read with one `find({_id: {$in}})`. */
export function groupedFindById<D extends Doc>(col: mongo.Collection<D>): (id: D['_id']) => Promise<D | null> {
  return groupCommit<D['_id'], D | null>(async (ids) => {
    const unique = [...new Map(ids.map((id) => [idKey(id), id])).values()];
    const docs = (await col.find({ _id: { $in: unique } } as mongo.Filter<D>).toArray()) as D[];
    const byId = new Map(docs.map((d) => [idKey(d._id), d]));
    return ids.map((id) => byId.get(idKey(id)) ?? null);
  });
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
}

function writeErrorsOf(err: unknown): WriteErrorLike[] | null {
  const e = err as { writeErrors?: WriteErrorLike[] | WriteErrorLike };
  if (!e?.writeErrors) return null;
  return Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
}

/**
 * Runs a grouped bulk command (`ordered: false`); a per-item write error becomes that item's
 * result: `dup` for a duplicate key, an Error otherwise. Any other failure fails the batch.
 */
async function perItem<T>(n: number, run: () => Promise<unknown>, ok: T, dup: T | Error): Promise<(T | Error)[]> {
  const out: (T | Error)[] = new Array<T | Error>(n).fill(ok);
  try {
    await run();
  } catch (err) {
    const failed = writeErrorsOf(err);
    if (!failed?.length) throw err;
    for (const w of failed)
      out[w.index] = w.code === 11000 ? dup : new Error(w.errmsg ?? `write error ${w.code ?? ''}`.trim());
  }
  return out;
}

/** Inserts, grouped into one unordered `insertMany`: true when inserted, false when a unique index refused it. */
export function groupedInsert<D extends Doc>(col: mongo.Collection<D>): (doc: D) => Promise<boolean> {
  return groupCommit<D, boolean>((docs) =>
    perItem(
      docs.length,
      () => col.insertMany(docs as mongo.OptionalUnlessRequiredId<D>[], { ordered: false }),
      true,
      false,
    ),
  );
}

/** One update of one document whose outcome the caller does not need. */
export interface BlindUpdate<D extends Doc> {
  filter: mongo.Filter<D>;
  update: mongo.UpdateFilter<D>;
}

/** Updates whose match count nobody reads, grouped into one unordered `bulkWrite`. */
export function groupedUpdate<D extends Doc>(col: mongo.Collection<D>): (u: BlindUpdate<D>) => Promise<void> {
  return groupCommit<BlindUpdate<D>, void>((ops) =>
    perItem<void>(
      ops.length,
      () =>
        col.bulkWrite(
          ops.map((u) => ({ updateOne: { filter: u.filter, update: u.update } })),
          { ordered: false },
        ),
      undefined,
      new Error('duplicate key'),
    ),
  );
}

/**
 * One change for many documents, grouped: the items of concurrent calls become one `updateMany` that
 * `merge` builds (each document still changes atomically, and only where it matches the filter). A
 * `bulkWrite` of N updates is N statements, which secantusd-rs commits one by one (a commit and an
 * fsync each); an `updateMany` is one statement whatever the number of documents it changes.
 */
export function groupedUpdateMany<D extends Doc, I>(
  col: mongo.Collection<D>,
  merge: (items: readonly I[]) => BlindUpdate<D>,
): (item: I) => Promise<void> {
  return groupCommit<I, void>(async (items) => {
    const { filter, update } = merge(items);
    await col.updateMany(filter, update);
    return items.map(() => undefined);
  });
}

/**
 * Whole-document compare-and-set by `_id`, grouped into one unordered `bulkWrite`: `replaceOne`
 * filtered on `{ _id, [field]: expected }` with upsert, so a document whose `field` is no longer
 * `expected` (another write came first; `null` matches a missing document or one without the field)
 * meets the unique `_id` and answers false, and a missing one is inserted. True when written.
 */
export function groupedReplaceIf<D extends Doc>(
  col: mongo.Collection<D>,
  field: string,
): (doc: D, expected: unknown) => Promise<boolean> {
  const send = groupCommit<{ doc: D; expected: unknown }, boolean>((ops) =>
    perItem(
      ops.length,
      () =>
        col.bulkWrite(
          ops.map(({ doc: { _id, ...rest }, expected }) => ({
            replaceOne: {
              filter: { _id, [field]: expected } as mongo.Filter<D>,
              replacement: rest as mongo.WithoutId<D>,
              upsert: true,
            },
          })),
          { ordered: false },
        ),
      true,
      false,
    ),
  );
  return (doc, expected) => send({ doc, expected });
}

/** What a conditional upsert did: updated a matching document, inserted a missing one, or neither. */
export type UpsertOutcome = 'matched' | 'upserted' | 'refused';

/**
 * Conditional upserts (`updateOne` with `upsert`), grouped into one unordered `bulkWrite`. With
 * upsert on, an operation that does not match either inserts (`upserted`) or meets the unique `_id`
 * of a document that exists but fails the condition, or that a concurrent call just created
 * (`refused`: the caller decides again on its own); every other operation matched and applied.
 */
export function groupedConditionalUpsert<D extends Doc>(
  col: mongo.Collection<D>,
): (u: BlindUpdate<D>) => Promise<UpsertOutcome> {
  return groupCommit<BlindUpdate<D>, UpsertOutcome>(async (ops) => {
    const out: (UpsertOutcome | Error)[] = new Array<UpsertOutcome | Error>(ops.length).fill('matched');
    let upserted: Record<number, unknown> = {};
    try {
      upserted = (
        await col.bulkWrite(
          ops.map((u) => ({ updateOne: { filter: u.filter, update: u.update, upsert: true } })),
          { ordered: false },
        )
      ).upsertedIds;
    } catch (err) {
      const failed = writeErrorsOf(err);
      if (!failed?.length) throw err;
      upserted = (err as { result?: { upsertedIds?: Record<number, unknown> } }).result?.upsertedIds ?? {};
      for (const w of failed)
        out[w.index] = w.code === 11000 ? 'refused' : new Error(w.errmsg ?? `write error ${w.code ?? ''}`.trim());
    }
    for (const i of Object.keys(upserted)) out[Number(i)] = 'upserted';
    return out;
  });
}
