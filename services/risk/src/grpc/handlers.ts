import type * as grpc from '@grpc/grpc-js';
import { DfsError } from '../../../../kit/src/errors.js';
import { unary, type AuthorizeCaller } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { RiskServiceHandlers } from '../../../../gen/proto/dfs/v1/RiskService.js';
import { decide } from '../domain/decide.js';
import type { SimSwapOperator } from '../domain/operator.js';
import type { Reservations } from '../domain/reserve.js';
import type { RulesSource } from '../rules-file.js';
import type { FeatureStore } from '../store/ports.js';

/** gRPC edge of the risk service: only the transaction service may ask (checked by `authorizeCaller`). */
export function riskHandlers(deps: { rules: RulesSource; store: FeatureStore; reservations: Reservations; operator?: SimSwapOperator | undefined; log: Logger; now: () => number; authorizeCaller?: AuthorizeCaller; onDecision?: (rec: { decision: string; ruleIds: string[] }) => void }): RiskServiceHandlers {
  return {
    Assess: unary(deps.log, 'Assess', [CALLERS.transaction], async (req, ctx) => {
      const minorUnits = Number(req.amount?.minorUnits ?? NaN);
      if (!Number.isSafeInteger(minorUnits) || minorUnits <= 0) throw new DfsError('AMOUNT_INVALID');
      if (!req.transactionId || !req.deviceId || !req.payer || !req.payee || !req.amount?.currency) throw new DfsError('INVALID_ARGUMENT', 'missing payment field');
      const stage = req.stage === 'step-up' ? 'step-up' : 'payment';
      const rec = await decide({ transactionId: req.transactionId, deviceId: req.deviceId, payer: req.payer, payee: req.payee, minorUnits, currency: req.amount.currency, tier: req.tier, stage }, deps.store, deps.rules.current(), deps.now(), deps.reservations, deps.operator);
      deps.onDecision?.(rec);
      ctx.log.info({ transactionId: req.transactionId, deviceId: req.deviceId, tier: req.tier, stage, decision: rec.decision, ruleIds: rec.ruleIds, score: rec.score }, 'risk decision');
      return { decision: rec.decision, ruleIds: rec.ruleIds, reason: rec.reason, score: rec.score, code: rec.code ?? '' };
    }, deps.authorizeCaller),
  } as RiskServiceHandlers & grpc.UntypedServiceImplementation;
}
