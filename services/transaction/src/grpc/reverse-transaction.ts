import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { ReverseTransactionRequest__Output } from '../../../../gen/proto/dfs/v1/ReverseTransactionRequest.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { parseMoney } from '../domain/money.js';
import { CORRELATION_ID } from '../domain/requests.js';
import { returnTransfer, type ReturnRequest } from '../domain/returns.js';
import type { TransactionRpcDeps } from './handlers.js';
import { transactionId } from './parse.js';

/** Validates a ReverseTransaction request: a reversal names only the transaction; a refund adds an amount and a key. */
function returnRequest(
  req: ReverseTransactionRequest__Output,
  deps: Pick<TransactionRpcDeps, 'currencies' | 'maxAmount'>,
): ReturnRequest {
  transactionId(req.transactionId);
  if (req.reason.length > 200 || /\p{Cc}/u.test(req.reason)) throw new DfsError('INVALID_ARGUMENT');
  if (req.kind === 'REVERSAL') {
    if (req.amount || req.idempotencyKey) throw new DfsError('INVALID_ARGUMENT', 'a reversal returns the whole amount');
    return { transactionId: req.transactionId, kind: 'reversal', amount: null, idempotencyKey: '', reason: req.reason };
  }
  if (req.kind !== 'REFUND' || !CORRELATION_ID.safeParse(req.idempotencyKey).success) {
    throw new DfsError('INVALID_ARGUMENT');
  }
  return {
    transactionId: req.transactionId,
    kind: 'refund',
    amount: parseMoney(req.amount, deps.currencies, deps.maxAmount),
    idempotencyKey: req.idempotencyKey,
    reason: req.reason,
  };
}

/** ReverseTransaction (operators): a reversal or a refund of a posted payment, as a linked transfer. */
export function reverseTransactionRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['ReverseTransaction'] {
  return unary(deps.log, 'ReverseTransaction', [CALLERS.anyOperator], async (req) => ({
    signedResult: await returnTransfer(returnRequest(req, deps), deps),
  }));
}
