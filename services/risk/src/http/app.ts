import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { RulesSource } from '../rules-file.js';
import type { DecisionStore } from '../store/ports.js';
import { mountDecisionsApi } from './decisions.js';
import { mountRulesApi } from './rules.js';

/** HTTP edge: health, the rules in force and their reload (http/rules.ts), the decision trails (http/decisions.ts). */
export function riskHttp(deps: {
  ready: ReadyCheck;
  rules: RulesSource;
  store: Pick<DecisionStore, 'getDecision'>;
  log: Logger;
  obs?: HttpObservability;
}): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  mountRulesApi(app, deps);
  mountDecisionsApi(app, deps);
  finishHttpApp(app, deps.log);
  return app;
}
