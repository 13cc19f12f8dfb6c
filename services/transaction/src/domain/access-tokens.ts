import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaims,
} from '../../../../contracts/access-token.js';
import { signJws, verifyJwt } from '../../../../kit/src/jws.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Integrator, IntegratorRegistry } from './integrators.js';

/** The OAuth 2.0 token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Issues and checks the short-lived access tokens of the OAuth 2.0 client credentials grant. */
export interface AccessTokens {
  /** A token for an integrator that proved its credentials; `sub` and `client_id` are its id. */
  issue(integrator: Integrator): Promise<TokenResponse>;
  /** The integrator a token was issued to, or null when it does not verify (signature, typ, iss, aud, expiry). */
  verify(token: string): Promise<Integrator | null>;
}

/**
 * Access tokens signed by the service's own token key (ES256, never the result key), valid for
 * `ttlSec`. Verification pins the algorithm, the key, `typ`, issuer and audience, and the integrator
 * is looked up from the verified `sub`: nothing the caller wrote decides who it is.
 */
export function accessTokens(
  key: () => SigningKey,
  integrators: Pick<IntegratorRegistry, 'byId'>,
  ttlSec: number,
  now: () => number = Date.now,
): AccessTokens {
  return {
    async issue(integrator) {
      const iat = Math.floor(now() / 1000);
      const claims: AccessTokenClaims = {
        iss: ACCESS_TOKEN_ISSUER,
        aud: ACCESS_TOKEN_AUDIENCE,
        sub: integrator.id,
        client_id: integrator.id,
        iat,
        exp: iat + ttlSec,
        jti: randomUUID(),
      };
      return { access_token: await signJws(ACCESS_TOKEN, claims, key()), token_type: 'Bearer', expires_in: ttlSec };
    },
    async verify(token) {
      const k = key();
      try {
        const { payload, protectedHeader } = await verifyJwt(token, k.publicJwk, ACCESS_TOKEN, {
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          currentDate: new Date(now()),
        });
        const claims = AccessTokenClaims.safeParse(payload);
        if (protectedHeader.kid !== k.kid || !claims.success) return null;
        return integrators.byId(claims.data.sub) ?? null;
      } catch {
        return null;
      }
    },
  };
}
