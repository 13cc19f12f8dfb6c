import { z } from 'zod';
import { AccountId, Sha256B64url, WireMoney } from './common.js';
import { signedContract } from './signed.js';

/**
 * What the eSE signs, after the PIN on the native UI, to make a cash-out authorisation code (GSMA
 * MM API "authorisation codes"): the customer lets an agent withdraw exactly this amount from the
 * wallet, once, before the code expires. `orderId` makes the order idempotent per wallet.
 */
export const AuthorisationCodeOrder = z
  .object({
    orderId: z.string().regex(/^[A-Za-z0-9\-_:.]{8,64}$/),
    payer: AccountId,
    amount: WireMoney,
    /** Milliseconds since the epoch. */
    iat: z.number().int().positive(),
    ath: z.string().min(43).max(43),
  })
  .strict();
export type AuthorisationCodeOrder = z.infer<typeof AuthorisationCodeOrder>;

/** An authorisation-code order signed by the device's eSE key (`jwk` header). */
export const AUTH_CODE_ORDER = signedContract('dfs-authcode-order+jws', 1, AuthorisationCodeOrder);

/**
 * The code the backend issued for an order, signed with its result key: shown on the phone's native
 * UI only (no integrator ever receives it from the backend). The customer reads it to the agent.
 */
export const AuthorisationCodeResult = z.strictObject({
  typ: z.literal('authorisation-code'),
  orderId: z.string(),
  payer: AccountId,
  amount: WireMoney,
  /** Eight decimal digits. */
  authorisationCode: z.string().regex(/^\d{8}$/),
  codeState: z.literal('active'),
  expiresAtMs: z.number().int(),
  /** base64url SHA-256 of the signed order's payload: ties the answer to the order. */
  requestHash: Sha256B64url,
  iat: z.number().int().optional(),
});
export type AuthorisationCodeResult = z.infer<typeof AuthorisationCodeResult>;
