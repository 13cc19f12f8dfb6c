import type * as grpc from '@grpc/grpc-js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import { jwks } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import { newChallenge } from '../domain/challenges.js';
import { enroll, type EnrollDeps } from '../domain/enroll.js';
import type { TokenKeyRing } from '../domain/token-keys.js';
import type { EnrollOutcome } from '../metrics.js';

const bindingOf = (peer: { role: string; name: string }) => `${peer.role}:${peer.name}`;

/** gRPC edge of the attestation service: one thin handler per RPC, each with the roles allowed to call it. */
export function attestationHandlers(deps: EnrollDeps & { challengeTtlSec: number; keyRing: TokenKeyRing; jwksMaxAgeSec: number; log: Logger; onEnroll?: (o: EnrollOutcome) => void }): AttestationServiceHandlers {
  return {
    CreateChallenge: unary(deps.log, 'CreateChallenge', [CALLERS.anyBootstrap, CALLERS.anyDevice], async (req, ctx) => {
      const c = newChallenge({ purpose: req.purpose || 'enroll', binding: bindingOf(ctx.peer) }, deps.challengeTtlSec, deps.now());
      await deps.store.putChallenge(c);
      return { challengeId: c.id, nonce: Buffer.from(c.nonce, 'base64url'), expiresAtMs: c.expiresAtMs };
    }),
    Enroll: unary(deps.log, 'Enroll', [CALLERS.anyBootstrap, CALLERS.anyDevice], async (req, ctx) => {
      const out = await enroll({ ...req, caller: bindingOf(ctx.peer) }, deps).catch((error: unknown) => { deps.onEnroll?.({ error }); throw error; });
      deps.onEnroll?.({ tier: out.tier, deviceId: out.deviceId });
      ctx.log.debug({ deviceId: out.deviceId, tier: out.tier, reasons: out.reasons }, 'device attested');
      return {
        deviceId: out.deviceId, attestationToken: out.token, tokenExpiresAtMs: out.tokenExpiresAtMs,
        tier: out.tier, reasons: out.reasons, clientCertificatePem: out.clientCertificatePem,
      };
    }),
    GetDeviceStatus: unary(deps.log, 'GetDeviceStatus', [CALLERS.transaction], async (req) => {
      const d = /^dev-[0-9a-f]{20}$/.test(req.deviceId) ? await deps.store.getDevice(req.deviceId) : null;
      return { status: d?.status ?? 'UNKNOWN', notBeforeMs: d?.notBeforeMs ?? 0 };
    }),
    GetTokenKeys: unary(deps.log, 'GetTokenKeys', [CALLERS.transaction, CALLERS.anyOperator], async () => ({
      jwksJson: JSON.stringify(jwks(deps.keyRing.published(deps.now()))), maxAgeSec: deps.jwksMaxAgeSec,
    })),
  } as AttestationServiceHandlers & grpc.UntypedServiceImplementation;
}
