import { z } from 'zod';
import { AccountId, Tier } from './common.js';
import { signedContract } from './signed.js';

/** `iss` of every attestation token. */
export const TOKEN_ISSUER = 'dfs-attestation';
/** `aud` of every attestation token. */
export const TOKEN_AUDIENCE = 'dfs-transaction';

/**
 * The attestation token's claims in wire form (JWT): the device (`sub`), its tier, the wallet
 * (`acct`), the eSE key it is bound to (`cnf.jkt`), and when a large payment needs a fresh attestation.
 */
export const AttestationTokenClaims = z.object({
  iss: z.literal(TOKEN_ISSUER).optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  sub: z.string().min(1),
  jti: z.string().optional(),
  iat: z.number().int().positive(),
  /**
   * When the token was issued, in milliseconds since the epoch: `iat` is whole seconds, too coarse to
   * tell a token issued just before a revocation from one issued just after the reinstatement.
   */
  iatMs: z.number().int().positive().optional(),
  exp: z.number().int().positive().optional(),
  tier: Tier,
  reasons: z.array(z.string()).optional(),
  acct: AccountId,
  cnf: z.object({ jkt: z.string().min(43) }),
  /** Payments above this many minor units (decimal string) need a token younger than `reattestWithinSec`. */
  reattestAboveMinor: z
    .string()
    .regex(/^\d{1,16}$/)
    .optional(),
  reattestWithinSec: z.number().int().positive().optional(),
});
export type AttestationTokenClaims = z.infer<typeof AttestationTokenClaims>;

/** The attestation token, signed by the attestation service's token key (`kid`). */
export const ATTESTATION_TOKEN = signedContract('dfs-attestation+jwt', 1, AttestationTokenClaims);
