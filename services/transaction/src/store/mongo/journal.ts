import { DfsError } from '../../../../../kit/src/errors.js';
import { isDuplicateKey } from '../../../../../kit/src/mongo.js';
import type { JournalEntry } from '../../domain/model.js';
import type { JournalStore } from '../ports.js';
import { driverCollection, toEntry, type EntryDoc, type LedgerModels } from './models.js';
import { insertOnce } from './writes.js';

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
  const append = async (
    transferId: string,
    make: (prev: JournalEntry | null) => JournalEntry,
  ): Promise<JournalEntry> => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      if (tail === undefined) {
        const last = await journal.findOne({}, { sort: { _id: -1 } });
        tail = last ? toEntry(last) : null;
      }
      if (tail?.transferId === transferId) return tail;
      const { seq, ...entry } = make(tail);
      if (await insertOnce(() => journal.insertOne({ _id: seq, ...entry }))) return (tail = { seq, ...entry });
      const done = await journal.findOne({ transferId });
      if (done) return toEntry(done);
      tail = undefined;
    }
    throw new DfsError('STORE_UNAVAILABLE', `journal append for ${transferId} kept colliding`);
  };

  /** Appends run one at a time in this process, so only other processes can collide on a seq. */
  let journalTail: Promise<unknown> = Promise.resolve();

  return {
    appendJournal(transferId, make) {
      const run = journalTail.then(() => append(transferId, make));
      journalTail = run.catch(() => undefined);
      return run;
    },
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
