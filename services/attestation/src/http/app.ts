import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import { jwks, type SigningKey } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';

/** HTTP edge: health, readiness and the JWKS of the attestation-token keys. */
export function attestationHttp(deps: { ready: ReadyCheck; publishedKeys: () => SigningKey[]; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  app.get('/.well-known/jwks.json', (_req, res) => { res.json(jwks(deps.publishedKeys())); });
  finishHttpApp(app, deps.log);
  return app;
}
