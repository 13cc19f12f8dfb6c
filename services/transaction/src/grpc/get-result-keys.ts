import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import { jwks } from '../../../../kit/src/keys.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import type { TransactionRpcDeps } from './handlers.js';

/** GetResultKeys (devices, operators): the JWKS that verifies signed results. */
export function getResultKeysRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['GetResultKeys'] {
  return unary(deps.log, 'GetResultKeys', [CALLERS.anyDevice, CALLERS.anyOperator], async () => ({
    jwksJson: JSON.stringify(jwks([deps.resultKey()])),
  }));
}
