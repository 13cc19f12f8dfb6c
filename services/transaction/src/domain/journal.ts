import { createHash } from 'node:crypto';
import type { JournalEntry, Transfer } from './model.js';

const GENESIS = '0'.repeat(64);

/** A verified position in the journal: the last verified entry's seq and hash (seq 0: nothing yet). */
export interface JournalPoint {
  seq: number;
  hash: string;
}

/** The point before the first entry. */
export const JOURNAL_START: JournalPoint = Object.freeze({ seq: 0, hash: GENESIS });

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

/**
 * Verifies journal entries following `from` (the whole journal by default): sequence, links and
 * hashes. Returns the first bad seq, or null.
 */
export function verifyJournal(entries: JournalEntry[], from: JournalPoint = JOURNAL_START): number | null {
  let prevHash = from.hash;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== from.seq + i + 1 || e.prevHash !== prevHash || hashOf(e) !== e.hash) return e.seq;
    prevHash = e.hash;
  }
  return null;
}

/**
 * Verifies the chain, then that every entry is backed by a POSTED (or now posting) transfer with the
 * same accounts, amount and currency, so that a re-hashed forgery with no transfer behind it is found
 * too; genesis entries only fund a treasury. Returns the first bad seq, or null.
 */
export async function verifyLedger(
  entries: JournalEntry[],
  transferOf: (id: string) => Promise<Transfer | null>,
  from: JournalPoint = JOURNAL_START,
): Promise<number | null> {
  const bad = verifyJournal(entries, from);
  if (bad !== null) return bad;
  // All of the entries' transfers asked for at once: the store groups concurrent reads by id into one
  // query, where reading them one after another made a round trip per journal entry.
  const transfers = await Promise.all(entries.map((e) => (e.debit === 'genesis' ? null : transferOf(e.transferId))));
  for (const [i, e] of entries.entries()) {
    if (e.debit === 'genesis') {
      if (e.transferId !== `genesis-${e.currency}` || e.credit !== `treasury-${e.currency}`) return e.seq;
      continue;
    }
    const t = transfers[i];
    const backed = t?.state === 'POSTED' || (t?.state === 'PENDING' && t.risk?.decision === 'APPROVE');
    if (
      !t ||
      !backed ||
      t.payer !== e.debit ||
      t.payee !== e.credit ||
      t.amount !== e.amount ||
      t.currency !== e.currency
    )
      return e.seq;
  }
  return null;
}
