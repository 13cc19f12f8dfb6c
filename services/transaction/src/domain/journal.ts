import { createHash } from 'node:crypto';
import type { JournalEntry } from '../store/ports.js';

const GENESIS = '0'.repeat(64);

type Body = Omit<JournalEntry, 'seq' | 'prevHash' | 'hash'>;

function hashOf(e: Omit<JournalEntry, 'hash'>): string {
  const fields = [e.seq, e.transferId, e.debit, e.credit, e.amount, e.currency, e.atMs, e.prevHash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Builds the next entry of the hash chain on top of `prev`. */
export function chainEntry(prev: JournalEntry | null, body: Body): JournalEntry {
  const partial = { ...body, seq: (prev?.seq ?? 0) + 1, prevHash: prev?.hash ?? GENESIS };
  return { ...partial, hash: hashOf(partial) };
}

/** Verifies the whole journal: sequence, links and hashes. Returns the first bad seq, or null. */
export function verifyJournal(entries: JournalEntry[]): number | null {
  let prevHash = GENESIS;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i + 1 || e.prevHash !== prevHash || hashOf(e) !== e.hash) return e.seq;
    prevHash = e.hash;
  }
  return null;
}
