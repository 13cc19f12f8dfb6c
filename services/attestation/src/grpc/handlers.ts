import type * as grpc from '@grpc/grpc-js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { jwks, type SigningKey } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { AttestationServiceHandlers } from '../../../../gen/proto/dfs/v1/AttestationService.js';
import { newChallenge } from '../domain/challenges.js';
import { enroll, type EnrollDeps } from '../domain/enroll.js';

/** gRPC edge of the attestation service: one thin handler per RPC, each with the roles allowed to call it. */
export function attestationHandlers(deps: EnrollDeps & { challengeTtlSec: number; publishedKeys: () => SigningKey[]; log: Logger }): AttestationServiceHandlers {
  return {
    CreateChallenge: unary(deps.log, 'CreateChallenge', ['bootstrap', 'device'], async (req) => {
      const c = newChallenge(req.purpose || 'enroll', deps.challengeTtlSec, deps.now());
      await deps.store.putChallenge(c);
      return { challengeId: c.id, nonce: Buffer.from(c.nonce, 'base64url'), expiresAtMs: c.expiresAtMs };
    }),
    Enroll: unary(deps.log, 'Enroll', ['bootstrap', 'device'], async (req, ctx) => {
      const out = await enroll(req, deps);
      ctx.log.info({ deviceId: out.deviceId, tier: out.tier, reasons: out.reasons }, 'device attested');
      return {
        deviceId: out.deviceId, attestationToken: out.token, tokenExpiresAtMs: out.tokenExpiresAtMs,
        tier: out.tier, reasons: out.reasons, clientCertificatePem: out.clientCertificatePem,
      };
    }),
    GetTokenKeys: unary(deps.log, 'GetTokenKeys', ['service', 'operator'], async () => ({ jwksJson: JSON.stringify(jwks(deps.publishedKeys())) })),
  } as AttestationServiceHandlers & grpc.UntypedServiceImplementation;
}
