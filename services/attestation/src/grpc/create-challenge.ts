import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import { bindingOf, issueChallenge } from '../domain/challenges.js';
import type { AttestationRpcDeps } from './handlers.js';

/** CreateChallenge (bootstrap identities, devices): a challenge bound to the calling certificate and the purpose. */
export function createChallengeRpc(deps: AttestationRpcDeps): AttestationServiceHandlers['CreateChallenge'] {
  return unary(deps.log, 'CreateChallenge', [CALLERS.anyBootstrap, CALLERS.anyDevice], async (req, ctx) => {
    const c = await issueChallenge({ purpose: req.purpose || 'enroll', binding: bindingOf(ctx.peer) }, deps);
    return { challengeId: c.id, nonce: Buffer.from(c.nonce, 'base64url'), expiresAtMs: c.expiresAtMs };
  });
}
