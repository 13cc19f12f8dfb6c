import { DfsError } from '../../../../../kit/src/errors.js';
import { groupCommit } from '../../../../../kit/src/group-commit.js';
import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { JournalEntry } from '../../domain/model.js';
import type { JournalStore } from '../ports.js';
import { driverCollection, toEntry, type EntryDoc, type LedgerModels } from './models.js';
import { insertOnce } from './writes.js';

type Make = (prev: JournalEntry | null) => JournalEntry;
type Append = { transferId: string; make: Make };

/**
 * The journal and its checkpoint on MongoDB. The unique seq (`_id`) and transferId indexes keep one
 * entry per transfer and one chain, also with other processes appending to the same collection.
 */
export function mongoJournal(model: LedgerModels['journal'], checkpoints: LedgerModels['checkpoints']): JournalStore {
  const journal = driverCollection<EntryDoc>(model);

  /**
   * Appends one journal entry on the last one, unless the transfer already has one. The last entry is
   * remembered between appends (they run one at a time in this process), so the hot path is one
   * insert. The unique transferId and seq indexes refuse a second entry for a transfer and a collision with
   * another process; only then is the journal read. `make` may build an entry that is not stored.
   */
  let tail: JournalEntry | null | undefined;
  const appendOne = async (transferId: string, make: Make): Promise<JournalEntry> => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      if (tail === undefined) tail = await readTail();
      if (tail?.transferId === transferId) return tail;
      const { seq, ...entry } = make(tail);
      if (await insertOnce(() => journal.insertOne({ _id: seq, ...entry }))) return (tail = { seq, ...entry });
      const done = await journal.findOne({ transferId });
      if (done) return toEntry(done);
      tail = undefined;
    }
    throw new DfsError('STORE_UNAVAILABLE', `journal append for ${transferId} kept colliding`);
  };
  const readTail = async () => {
    const last = await journal.findOne({}, { sort: { _id: -1 } });
    return last ? toEntry(last) : null;
  };

  /**
   * Group commit of the journal: the appends waiting while the previous batch was written are
   * chained on the remembered tail in the order they arrived and written by one ordered
   * `insertMany`. If another process took a seq (or a transfer already has its entry), the batch
   * stops at that entry and its appends are redone one by one from the journal as stored.
   */
  const appendBatch = async (items: readonly Append[]): Promise<JournalEntry[]> => {
    if (tail === undefined) tail = await readTail();
    const start = tail;
    const chained = new Map<string, JournalEntry>(start ? [[start.transferId, start]] : []);
    const fresh: JournalEntry[] = [];
    let last = start;
    for (const { transferId, make } of items) {
      if (chained.has(transferId)) continue;
      last = make(last);
      chained.set(transferId, last);
      fresh.push(last);
    }
    try {
      if (fresh.length)
        await journal.insertMany(
          fresh.map(({ seq, ...e }) => ({ _id: seq, ...e })),
          { ordered: true },
        );
      tail = last;
      return items.map((i) => chained.get(i.transferId)!);
    } catch (err) {
      tail = undefined;
      if (!isDuplicateKey(err)) throw err;
      const out: JournalEntry[] = [];
      for (const { transferId, make } of items) out.push(await appendOne(transferId, make));
      return out;
    }
  };
  const append = groupCommit(appendBatch);

  return {
    appendJournal: (transferId, make) => append({ transferId, make }),
    async readJournal(afterSeq = 0, limit = 0) {
      return (await journal.find({ _id: { $gt: afterSeq } }, { sort: { _id: 1 }, limit }).toArray()).map(toEntry);
    },
    async journalLength() {
      return (await journal.findOne({}, { sort: { _id: -1 }, projection: { _id: 1 } }))?._id ?? 0;
    },
    async getCheckpoint() {
      return (await checkpoints.findById('journal').lean<{ jws: string }>())?.jws ?? null;
    },
    async putCheckpoint(seq, jws) {
      try {
        await checkpoints.updateOne({ _id: 'journal', seq: { $lt: seq } }, { $set: { seq, jws } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },
  };
}
