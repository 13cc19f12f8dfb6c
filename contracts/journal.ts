import { z } from 'zod';
import { signedContract } from './signed.js';

/** What the transaction service signs after verifying its journal: the last entry it vouches for and when. */
export const JournalCheckpoint = z
  .object({
    /** The sequence number of the last verified journal entry. */
    seq: z.number().int().nonnegative(),
    /** That entry's chained hash. */
    hash: z.string().min(1),
    /** When the verification ended (ms since the epoch). */
    atMs: z.number().int().nonnegative(),
  })
  .strict();
export type JournalCheckpoint = z.infer<typeof JournalCheckpoint>;

/** A journal checkpoint, signed with the transaction service's result key (`kid`) and kept in its store. */
export const JOURNAL_CHECKPOINT = signedContract('dfs-journal-checkpoint+jws', 1, JournalCheckpoint);
