import type { Express } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { verifyJournal } from '../domain/journal.js';
import type { LedgerStore } from '../store/ports.js';

/** HTTP edge: health, readiness (store answers, journal chain intact) and the journal check. */
export function transactionHttp(deps: { ready: ReadyCheck; store: LedgerStore; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  app.get('/v1/journal/verify', async (_req, res, next) => {
    try {
      const entries = await deps.store.readJournal();
      const bad = verifyJournal(entries);
      if (bad !== null) throw new DfsError('LEDGER_JOURNAL_TAMPERED', `first bad entry ${bad}`);
      res.json({ ok: true, entries: entries.length });
    } catch (err) { next(err); }
  });
  finishHttpApp(app, deps.log);
  return app;
}
