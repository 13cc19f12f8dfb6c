import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { holderPaymentRequests } from '../domain/wallet.js';
import type { TransactionRpcDeps } from './handlers.js';
import { accountId } from './parse.js';

/** ListPaymentRequests (devices): the open requests to pay from the caller's own wallet, signed. */
export function listPaymentRequestsRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['ListPaymentRequests'] {
  return unary(deps.log, 'ListPaymentRequests', [CALLERS.anyDevice], async (req, ctx) => ({
    signedResult: await holderPaymentRequests(accountId(req.accountId), ctx.peer, deps),
  }));
}
