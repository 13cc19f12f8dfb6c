import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import { jwks } from '../../../../kit/src/keys.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import type { AttestationRpcDeps } from './handlers.js';

/** GetTokenKeys (the transaction service, operators): the published token keys and how long to keep them. */
export function getTokenKeysRpc(deps: AttestationRpcDeps): AttestationServiceHandlers['GetTokenKeys'] {
  return unary(deps.log, 'GetTokenKeys', [CALLERS.transaction, CALLERS.anyOperator], async () => ({
    jwksJson: JSON.stringify(jwks(deps.keyRing.published(deps.now()))),
    maxAgeSec: deps.jwksMaxAgeSec,
  }));
}
