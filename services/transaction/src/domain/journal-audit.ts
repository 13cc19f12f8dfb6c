import { importJWK } from 'jose';
import { JOURNAL_CHECKPOINT, JournalCheckpoint } from '../../../../contracts/journal.js';
import { signJws, verifyJws } from '../../../../kit/src/jws.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { JournalStore, TransferStore } from '../store/ports.js';
import { JOURNAL_START, verifyLedger, type JournalPoint } from './journal.js';

const BATCH = 250;

/** What the background journal verification knows: how far the journal verified, when, and the first bad entry. */
export interface AuditState {
  verified: JournalPoint;
  /** When the last run ended with the journal intact up to `verified` (ms), or null before the first. */
  verifiedAtMs: number | null;
  /** The first entry that failed verification, or null. */
  badSeq: number | null;
}

/** Journal verification that resumes from the last signed checkpoint instead of re-reading the whole journal. */
export interface JournalAudit {
  /**
   * Verifies what was appended since the last verified point
   * (`full`: from the first entry) and stores a signed checkpoint.
   */
  run(opts?: { full?: boolean }): Promise<AuditState>;
  state(): AuditState;
  /** Runs every `intervalMs` in the background until `stop`. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/** Signs a checkpoint with the service's result key (JOURNAL_CHECKPOINT, contracts/journal.ts). */
export async function signCheckpoint(point: JournalPoint, atMs: number, key: SigningKey): Promise<string> {
  return signJws(JOURNAL_CHECKPOINT, { seq: point.seq, hash: point.hash, atMs }, key);
}

/** The point a checkpoint vouches for, or null when it is not a JOURNAL_CHECKPOINT signed by `key` or malformed. */
export async function readCheckpoint(jws: string, key: SigningKey): Promise<JournalPoint | null> {
  try {
    const { payload } = await verifyJws(jws, await importJWK(key.publicJwk, 'ES256'), JOURNAL_CHECKPOINT);
    const p = JournalCheckpoint.safeParse(payload);
    return p.success ? { seq: p.data.seq, hash: p.data.hash } : null;
  } catch {
    return null;
  }
}

const yieldLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Verifies the journal in batches (yielding to the event loop between them), from the last signed
 * checkpoint in the store, so a restart does not start again from the first entry. A checkpoint that
 * does not verify under the service's key is ignored (verification starts from the first entry).
 */
export function journalAudit(deps: {
  store: JournalStore & Pick<TransferStore, 'getTransfer'>;
  key: () => SigningKey;
  log: Logger;
  now: () => number;
}): JournalAudit {
  let state: AuditState = { verified: JOURNAL_START, verifiedAtMs: null, badSeq: null };
  let loaded = false;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const resume = async (): Promise<JournalPoint> => {
    const jws = await deps.store.getCheckpoint();
    if (!jws) return JOURNAL_START;
    const point = await readCheckpoint(jws, deps.key());
    if (!point) deps.log.warn('journal checkpoint does not verify; verifying from the first entry');
    return point ?? JOURNAL_START;
  };

  const verifyFrom = async (from: JournalPoint): Promise<AuditState> => {
    let at = from;
    for (;;) {
      const batch = await deps.store.readJournal(at.seq, BATCH);
      if (batch.length === 0) return { verified: at, verifiedAtMs: deps.now(), badSeq: null };
      const bad = await verifyLedger(batch, (id) => deps.store.getTransfer(id), at);
      if (bad !== null) return { verified: at, verifiedAtMs: state.verifiedAtMs, badSeq: bad };
      const last = batch.at(-1)!;
      at = { seq: last.seq, hash: last.hash };
      await yieldLoop();
    }
  };

  const once = async (full: boolean): Promise<AuditState> => {
    if (!loaded) {
      state = { ...state, verified: await resume() };
      loaded = true;
    }
    const next = await verifyFrom(full ? JOURNAL_START : state.verified);
    if (next.badSeq !== null) {
      deps.log.error({ badSeq: next.badSeq, verifiedSeq: next.verified.seq }, 'journal verification failed');
    } else if (next.verified.seq > 0) {
      await deps.store.putCheckpoint(next.verified.seq, await signCheckpoint(next.verified, deps.now(), deps.key()));
    }
    state =
      full && next.badSeq === null
        ? { ...next, verified: next.verified.seq >= state.verified.seq ? next.verified : state.verified }
        : next;
    return state;
  };

  const run = (opts: { full?: boolean } = {}) => {
    const go = chain.then(() => once(opts.full ?? false));
    chain = go.catch(() => undefined);
    return go;
  };

  return {
    run,
    state: () => state,
    start(intervalMs) {
      const tick = () => {
        run().catch((err: unknown) => deps.log.warn({ err }, 'journal verification could not run; next run retries'));
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
}
