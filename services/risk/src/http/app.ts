import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { requireBearer } from '../../../../kit/src/operator-auth.js';
import type { RulesSource } from '../rules-file.js';
import type { DecisionStore } from '../store/ports.js';
import { mountDecisionsApi } from './decisions.js';
import { mountRulesApi } from './rules.js';

/**
 * HTTP edge: health (public), and for operators only (the risk operator token, RISK_OPERATOR_UNAUTHENTICATED
 * otherwise) the rules in force and their reload (http/rules.ts) and the decision trails, which name
 * payer, payee and amount (http/decisions.ts).
 */
export function riskHttp(deps: {
  ready: ReadyCheck;
  rules: RulesSource;
  store: Pick<DecisionStore, 'getDecision'>;
  log: Logger;
  operatorToken: string;
  obs?: HttpObservability;
}): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  app.use(['/v1/rules', '/v1/decisions'], requireBearer(deps.operatorToken, 'RISK_OPERATOR_UNAUTHENTICATED'));
  mountRulesApi(app, deps);
  mountDecisionsApi(app, deps);
  finishHttpApp(app, deps.log);
  return app;
}
