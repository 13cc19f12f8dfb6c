import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Integrator, IntegratorRegistry } from './integrators.js';

/** Who issues integrator access tokens, and the API they are good for (RFC 9068 `iss` and `aud`). */
export const TOKEN_ISSUER = 'dfs-transaction';
export const TOKEN_AUDIENCE = 'dfs-integrator-api';
/** The JWS `typ` of an access token (RFC 9068 §2.1): a signed result or any other JWS is not one. */
const TOKEN_TYP = 'at+jwt';

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
      const k = key();
      const iat = Math.floor(now() / 1000);
      const accessToken = await new SignJWT({ client_id: integrator.id })
        .setProtectedHeader({ alg: 'ES256', kid: k.kid, typ: TOKEN_TYP })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(integrator.id)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSec)
        .setJti(randomUUID())
        .sign(k.privateKey);
      return { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSec };
    },
    async verify(token) {
      const k = key();
      try {
        const { payload, protectedHeader } = await jwtVerify(token, k.publicJwk, {
          algorithms: ['ES256'],
          typ: TOKEN_TYP,
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          currentDate: new Date(now()),
        });
        if (protectedHeader.kid !== k.kid || typeof payload.sub !== 'string') return null;
        return integrators.byId(payload.sub) ?? null;
      } catch {
        return null;
      }
    },
  };
}
