import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { reportDevice } from '../domain/reports.js';
import type { TransactionRpcDeps } from './handlers.js';

/** ReportDevice (devices): the phone's signed report goes to the domain as sent; answers the event type queued. */
export function reportDeviceRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['ReportDevice'] {
  return unary(deps.log, 'ReportDevice', [CALLERS.anyDevice], async (req, ctx) => ({
    eventType: await reportDevice(req.signedReport, req.attestationToken, ctx.peer, deps),
  }));
}
