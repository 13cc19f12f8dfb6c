import type * as grpc from '@grpc/grpc-js';
import type { AuthorizeCaller } from '../../../../kit/src/grpc-server.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { RiskServiceHandlers } from '../../../../gen/proto/dfs/v1/RiskService.js';
import type { SimSwapOperator } from '../domain/operator.js';
import type { Reservations } from '../domain/reserve.js';
import type { RulesSource } from '../rules-file.js';
import type { FeatureStore } from '../store/ports.js';
import { assessRpc } from './assess.js';

/** What the risk service's RPC handlers need. */
export interface RiskRpcDeps {
  rules: RulesSource;
  store: FeatureStore;
  reservations: Reservations;
  operator?: SimSwapOperator | undefined;
  log: Logger;
  now: () => number;
  authorizeCaller?: AuthorizeCaller;
  onDecision?: (rec: { decision: string; ruleIds: string[] }) => void;
}

/** gRPC edge of the risk service: only the transaction service may ask (checked by `authorizeCaller`). */
export function riskHandlers(deps: RiskRpcDeps): RiskServiceHandlers {
  return { Assess: assessRpc(deps) } as RiskServiceHandlers & grpc.UntypedServiceImplementation;
}
