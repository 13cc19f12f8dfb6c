import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../../../kit/src/log.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import type { EnrollDeps } from '../domain/enroll.js';
import type { TokenKeyRing } from '../domain/token-keys.js';
import type { EnrollOutcome } from '../metrics.js';
import { createChallengeRpc } from './create-challenge.js';
import { enrollRpc } from './enroll.js';
import { getDeviceStatusRpc } from './get-device-status.js';
import { getTokenKeysRpc } from './get-token-keys.js';

/** What the attestation service's RPC handlers need. */
export type AttestationRpcDeps = EnrollDeps & {
  challengeTtlSec: number;
  keyRing: TokenKeyRing;
  jwksMaxAgeSec: number;
  log: Logger;
  onEnroll?: (o: EnrollOutcome) => void;
};

/** gRPC edge of the attestation service: one thin handler per RPC (one file each) with the roles allowed to call it. */
export function attestationHandlers(deps: AttestationRpcDeps): AttestationServiceHandlers {
  return {
    CreateChallenge: createChallengeRpc(deps),
    Enroll: enrollRpc(deps),
    GetDeviceStatus: getDeviceStatusRpc(deps),
    GetTokenKeys: getTokenKeysRpc(deps),
  } as AttestationServiceHandlers & grpc.UntypedServiceImplementation;
}
