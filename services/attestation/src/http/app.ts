import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import { jwks } from '../../../../kit/src/keys.js';
import { operatorRouter, type OperatorDeps } from './operator.js';

/** HTTP edge: health, readiness, the JWKS of the attestation-token keys, and the operator API. */
export function attestationHttp(
  deps: OperatorDeps & { ready: ReadyCheck; jwksMaxAgeSec: number; obs?: HttpObservability },
): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${deps.jwksMaxAgeSec}`).json(jwks(deps.keyRing.published(deps.now())));
  });
  app.use('/v1/operator', operatorRouter(deps));
  finishHttpApp(app, deps.log);
  return app;
}
