import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { submitPayment } from '../domain/payments.js';
import type { TransactionRpcDeps } from './handlers.js';

/** SubmitPayment (devices): the signed payment and token go to the domain as sent, under admission control. */
export function submitPaymentRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['SubmitPayment'] {
  return unary(deps.log, 'SubmitPayment', [CALLERS.anyDevice], (req, ctx) =>
    deps.admission.run(async () => ({
      signedResult: await submitPayment(req.signedPayment, req.attestationToken, ctx.peer, deps),
    })),
  );
}
