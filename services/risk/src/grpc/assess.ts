import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { AssessRequest__Output } from '../../../../gen/proto/dfs/v1/AssessRequest.js';
import type { RiskServiceHandlers } from '../../../../gen/proto/dfs/v1/RiskService.js';
import type { PaymentFacts } from '../domain/assess.js';
import { decide } from '../domain/decide.js';
import type { RiskRpcDeps } from './handlers.js';

/** Validates an Assess request into the payment risk decides on: a positive safe amount and every party named. */
function paymentOf(req: AssessRequest__Output): PaymentFacts {
  const minorUnits = Number(req.amount?.minorUnits ?? NaN);
  if (!Number.isSafeInteger(minorUnits) || minorUnits <= 0) throw new DfsError('AMOUNT_INVALID');
  if (!req.transactionId || !req.deviceId || !req.payer || !req.payee || !req.amount?.currency) {
    throw new DfsError('INVALID_ARGUMENT', 'missing payment field');
  }
  const stage: 'payment' | 'step-up' = req.stage === 'step-up' ? 'step-up' : 'payment';
  return {
    transactionId: req.transactionId,
    deviceId: req.deviceId,
    payer: req.payer,
    payee: req.payee,
    minorUnits,
    currency: req.amount.currency,
    tier: req.tier,
    stage,
  };
}

/** Assess (the transaction service only, checked by `authorizeCaller`): the decision on a payment, logged. */
export function assessRpc(deps: RiskRpcDeps): RiskServiceHandlers['Assess'] {
  return unary(
    deps.log,
    'Assess',
    [CALLERS.transaction],
    async (req, ctx) => {
      const p = paymentOf(req);
      const rec = await decide(p, deps.store, deps.rules.current(), deps.now(), deps.reservations, deps.operator);
      deps.onDecision?.(rec);
      const { transactionId, deviceId, tier, stage } = p;
      const { decision, ruleIds, score } = rec;
      ctx.log.info({ transactionId, deviceId, tier, stage, decision, ruleIds, score }, 'risk decision');
      return {
        decision: rec.decision,
        ruleIds: rec.ruleIds,
        reason: rec.reason,
        score: rec.score,
        code: rec.code ?? '',
      };
    },
    deps.authorizeCaller,
  );
}
