import type { Express } from 'express';
import { jwks, type SigningKey } from '../../../../kit/src/keys.js';

/**
 * GET /v1/result-keys: the JWKS (public keys only) that verifies every signed body and callback.
 * Public by design (docs/API.md): public keys are no secret, and integrators verify with them.
 */
export function mountResultKeys(app: Express, resultKey: () => SigningKey): void {
  app.get('/v1/result-keys', (_req, res) => {
    res.type('application/jwk-set+json').send(JSON.stringify(jwks([resultKey()])));
  });
}
