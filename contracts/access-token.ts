import { z } from 'zod';
import { signedContract } from './signed.js';

/** `iss` of every integrator access token. */
export const ACCESS_TOKEN_ISSUER = 'dfs-transaction' as const;
/** `aud` of every integrator access token: the integrator API. */
export const ACCESS_TOKEN_AUDIENCE = 'dfs-integrator-api' as const;

/** An integrator's access token claims (RFC 9068): the integrator is `sub` and `client_id`. */
export const AccessTokenClaims = z.object({
  iss: z.literal(ACCESS_TOKEN_ISSUER),
  aud: z.literal(ACCESS_TOKEN_AUDIENCE),
  sub: z.string().min(1),
  client_id: z.string().min(1),
  iat: z.number().int().positive(),
  exp: z.number().int().positive(),
  jti: z.string().min(1),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** The OAuth 2.0 access token of the client credentials grant, signed by the transaction service's token key. */
export const ACCESS_TOKEN = signedContract('at+jwt', 1, AccessTokenClaims);
