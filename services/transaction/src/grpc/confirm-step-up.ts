import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { confirmStepUp } from '../domain/stepup.js';
import type { TransactionRpcDeps } from './handlers.js';

/** ConfirmStepUp (devices): the signed confirmation of a held payment goes to the domain as sent. */
export function confirmStepUpRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['ConfirmStepUp'] {
  return unary(deps.log, 'ConfirmStepUp', [CALLERS.anyDevice], async (req, ctx) => ({
    signedResult: await confirmStepUp(req.transactionId, req.signedConfirmation, req.attestationToken, ctx.peer, deps),
  }));
}
