import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { JournalAudit } from '../domain/journal-audit.js';
import { integratorRate, mountIntegratorApi, type IntegratorApiDeps } from './integrator-api.js';
import { mountJournalApi } from './journal.js';
import { mountTokenEndpoint } from './oauth.js';
import { mountResultKeys } from './result-keys.js';

/** The OpenAPI 3.1 document of this HTTP API (hand-written; served at /openapi.json). */
export const OPENAPI_FILE = new URL('../../openapi.json', import.meta.url);

/**
 * HTTP edge: health, readiness (store and bus answer, not draining), the operator's journal check,
 * the OpenAPI document, the public result keys, the integrators' token endpoint and the integrator API.
 */
export function transactionHttp(
  deps: IntegratorApiDeps & {
    ready: ReadyCheck;
    log: Logger;
    audit: JournalAudit;
    operatorToken: string;
    obs?: HttpObservability;
  },
): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a constant path inside the repository
  const openapi = readFileSync(OPENAPI_FILE, 'utf8');
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  mountResultKeys(app, deps.resultKey);
  mountJournalApi(app, deps);
  mountTokenEndpoint(app, { ...deps, takeRate: integratorRate(deps) });
  mountIntegratorApi(app, deps);
  finishHttpApp(app, deps.log);
  return app;
}
