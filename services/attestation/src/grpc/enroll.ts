import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import { bindingOf } from '../domain/challenges.js';
import { enroll } from '../domain/enroll.js';
import type { AttestationRpcDeps } from './handlers.js';

/** Enroll (bootstrap identities, devices): attests the evidence for the calling certificate; counts every outcome. */
export function enrollRpc(deps: AttestationRpcDeps): AttestationServiceHandlers['Enroll'] {
  return unary(deps.log, 'Enroll', [CALLERS.anyBootstrap, CALLERS.anyDevice], async (req, ctx) => {
    const out = await enroll({ ...req, caller: bindingOf(ctx.peer) }, deps).catch((error: unknown) => {
      deps.onEnroll?.({ error });
      throw error;
    });
    deps.onEnroll?.({ tier: out.tier, deviceId: out.deviceId });
    ctx.log.debug({ deviceId: out.deviceId, tier: out.tier, reasons: out.reasons }, 'device attested');
    return {
      deviceId: out.deviceId,
      attestationToken: out.token,
      tokenExpiresAtMs: out.tokenExpiresAtMs,
      tier: out.tier,
      reasons: out.reasons,
      clientCertificatePem: out.clientCertificatePem,
    };
  });
}
