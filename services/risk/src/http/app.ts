import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { Rules } from '../domain/rules.js';

/** HTTP edge: health, readiness and the rules in force. */
export function riskHttp(deps: { ready: ReadyCheck; rules: () => Rules; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  app.get('/v1/rules', (_req, res) => { res.json(deps.rules()); });
  finishHttpApp(app, deps.log);
  return app;
}
