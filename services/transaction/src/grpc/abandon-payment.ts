import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { abandonReadablePayment } from '../domain/wallet.js';
import type { TransactionRpcDeps } from './handlers.js';
import { accountId, idempotencyKey } from './parse.js';

/** AbandonPayment (devices, operators): gives up an unfinished payment named by payer and idempotency key. */
export function abandonPaymentRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['AbandonPayment'] {
  return unary(deps.log, 'AbandonPayment', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => {
    const key = idempotencyKey(req.idempotencyKey);
    return { signedResult: await abandonReadablePayment(accountId(req.payer), key, ctx.peer, deps) };
  });
}
