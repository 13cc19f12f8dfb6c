import { readFileSync } from 'node:fs';
import type { Express, NextFunction, Request, Response } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { verifyJournal, verifyLedger } from '../domain/journal.js';
import type { LedgerStore } from '../store/ports.js';
import { mountIntegratorApi, type IntegratorApiDeps } from './integrator-api.js';

/** The OpenAPI 3.1 document of this HTTP API (hand-written; served at /openapi.json). */
export const OPENAPI_FILE = new URL('../../openapi.json', import.meta.url);

/** True when the journal's hash chain verifies (part of readiness). */
export async function journalIntact(store: LedgerStore): Promise<boolean> {
  return verifyJournal(await store.readJournal()) === null;
}

/**
 * HTTP edge: health, readiness (store and bus answer, journal chain intact), the full ledger check,
 * the OpenAPI document and the integrator API.
 */
export function transactionHttp(deps: IntegratorApiDeps & { ready: ReadyCheck; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a constant path inside the repository
  const openapi = readFileSync(OPENAPI_FILE, 'utf8');
  app.get('/openapi.json', (_req, res) => { res.type('application/json').send(openapi); });
  app.get('/v1/journal/verify', async (_req, res) => {
    const entries = await deps.store.readJournal();
    const bad = await verifyLedger(entries, (id) => deps.store.getTransfer(id));
    if (bad !== null) throw new DfsError('LEDGER_JOURNAL_TAMPERED', `first bad entry ${bad}`);
    res.json({ ok: true, entries: entries.length });
  });
  mountIntegratorApi(app, deps);
  app.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => { next(err instanceof URIError ? new DfsError('INVALID_ARGUMENT', 'path encoding') : err); });
  finishHttpApp(app, deps.log);
  return app;
}
