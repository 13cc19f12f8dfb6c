import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import { DEVICE_ID, deviceStanding } from '../domain/registry.js';
import type { AttestationRpcDeps } from './handlers.js';

/** GetDeviceStatus (the transaction service): a device's standing; an id of the wrong form is UNKNOWN. */
export function getDeviceStatusRpc(deps: AttestationRpcDeps): AttestationServiceHandlers['GetDeviceStatus'] {
  return unary(deps.log, 'GetDeviceStatus', [CALLERS.transaction], async (req) =>
    DEVICE_ID.test(req.deviceId) ? deviceStanding(deps.store, req.deviceId) : { status: 'UNKNOWN', notBeforeMs: 0 },
  );
}
