import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { createAuthorisationCode } from '../domain/authorisation-codes.js';
import type { TransactionRpcDeps } from './handlers.js';

/** CreateAuthorisationCode (devices): the signed order and token go to the domain as sent. */
export function createAuthorisationCodeRpc(
  deps: TransactionRpcDeps,
): TransactionServiceHandlers['CreateAuthorisationCode'] {
  return unary(deps.log, 'CreateAuthorisationCode', [CALLERS.anyDevice], async (req, ctx) => ({
    signedResult: await createAuthorisationCode(req.signedOrder, req.attestationToken, ctx.peer, deps),
  }));
}
