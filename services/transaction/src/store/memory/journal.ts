import type { JournalEntry } from '../../domain/model.js';
import type { JournalStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** The journal and its checkpoint in process memory; one entry per transfer id. */
export function memoryJournal(): JournalStore {
  const journal: JournalEntry[] = [];
  const journalByTransfer = new Map<string, JournalEntry>();
  let checkpoint: { seq: number; jws: string } | null = null;

  return {
    async appendJournal(transferId, make) {
      const done = journalByTransfer.get(transferId);
      if (done) return copy(done);
      const entry = make(journal.at(-1) ?? null);
      journal.push(copy(entry));
      journalByTransfer.set(transferId, copy(entry));
      return entry;
    },
    async readJournal(afterSeq = 0, limit = Infinity) {
      return journal.slice(afterSeq, afterSeq + limit).map(copy);
    },
    async journalLength() {
      return journal.length;
    },
    async getCheckpoint() {
      return checkpoint?.jws ?? null;
    },
    async putCheckpoint(seq, jws) {
      if (!checkpoint || checkpoint.seq < seq) checkpoint = { seq, jws };
    },
  };
}
