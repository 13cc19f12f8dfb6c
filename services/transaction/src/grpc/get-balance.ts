import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { signedBalance } from '../domain/wallet.js';
import type { TransactionRpcDeps } from './handlers.js';
import { accountId } from './parse.js';

/** GetBalance (devices, operators): the signed balance of a wallet the caller may read. */
export function getBalanceRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['GetBalance'] {
  return unary(deps.log, 'GetBalance', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => ({
    signedResult: await signedBalance(accountId(req.accountId), ctx.peer, deps),
  }));
}
