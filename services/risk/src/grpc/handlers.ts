import type * as grpc from '@grpc/grpc-js';
import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { RiskServiceHandlers } from '../../../../gen/proto/dfs/v1/RiskService.js';
import { assess } from '../domain/assess.js';
import type { Rules } from '../domain/rules.js';

/** gRPC edge of the risk service: only backend services may ask. */
export function riskHandlers(deps: { rules: () => Rules; log: Logger }): RiskServiceHandlers {
  return {
    Assess: unary(deps.log, 'Assess', ['service'], async (req) => {
      const minorUnits = Number(req.amount?.minorUnits ?? NaN);
      if (!Number.isSafeInteger(minorUnits) || minorUnits <= 0) throw new DfsError('AMOUNT_INVALID');
      const a = assess({ transactionId: req.transactionId, deviceId: req.deviceId, payer: req.payer, payee: req.payee, minorUnits, currency: req.amount?.currency ?? '', tier: req.tier }, deps.rules());
      return { decision: a.decision, ruleIds: a.ruleIds, reason: a.reason, score: a.score };
    }),
  } as RiskServiceHandlers & grpc.UntypedServiceImplementation;
}
