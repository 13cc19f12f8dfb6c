import type { Express } from 'express';
import type { Logger } from '../../../../kit/src/log.js';
import type { RulesSource } from '../rules-file.js';

/** The rules in force (`GET /v1/rules`) and their reload (`POST /v1/rules/reload`; refused, the old rules stay). */
export function mountRulesApi(app: Express, deps: { rules: RulesSource; log: Logger }): void {
  app.get('/v1/rules', (_req, res) => {
    res.json(deps.rules.current());
  });
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
}
