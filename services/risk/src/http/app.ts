import type { Express } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { RulesSource } from '../rules-file.js';
import type { FeatureStore } from '../store/ports.js';

/** HTTP edge: health, the rules in force, their reload, and the decision trail per transaction. */
export function riskHttp(deps: { ready: ReadyCheck; rules: RulesSource; store: FeatureStore; log: Logger; obs?: HttpObservability }): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  app.get('/v1/rules', (_req, res) => { res.json(deps.rules.current()); });
  app.post('/v1/rules/reload', (_req, res) => {
    try {
      const r = deps.rules.reload();
      deps.log.info({ rulesetId: r.id }, 'risk rules reloaded');
      res.json({ id: r.id, loadedAtMs: r.loadedAtMs });
    } catch (err) {
      deps.log.warn({ err }, 'risk rules reload refused; previous rules stay in force');
      throw err;
    }
  });
  app.get('/v1/decisions/:transactionId', async (req, res) => {
    const rec = await deps.store.getDecision(req.params.transactionId);
    if (!rec) throw new DfsError('TRANSACTION_NOT_FOUND');
    res.json(rec);
  });
  finishHttpApp(app, deps.log);
  return app;
}
