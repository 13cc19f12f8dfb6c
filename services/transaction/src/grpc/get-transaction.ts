import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { GetTransactionRequest__Output } from '../../../../gen/proto/dfs/v1/GetTransactionRequest.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { transactionAnswer, type TransferLookup } from '../domain/wallet.js';
import type { TransactionRpcDeps } from './handlers.js';
import { accountId, idempotencyKey, transactionId } from './parse.js';

/** The transfer a GetTransaction names: by id, or by payer and idempotency key (never both). */
function lookupOf(req: GetTransactionRequest__Output): TransferLookup {
  if (req.transactionId) {
    if (req.payer || req.idempotencyKey) {
      throw new DfsError('INVALID_ARGUMENT', 'transaction id or payer and idempotency key, not both');
    }
    return { transactionId: transactionId(req.transactionId) };
  }
  const key = idempotencyKey(req.idempotencyKey);
  return { payer: accountId(req.payer), idempotencyKey: key };
}

/** GetTransaction (devices, operators): the signed answer to a transfer the caller may read. */
export function getTransactionRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['GetTransaction'] {
  return unary(deps.log, 'GetTransaction', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => ({
    signedResult: await transactionAnswer(lookupOf(req), ctx.peer, deps.store),
  }));
}
