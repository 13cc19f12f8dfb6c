import { z } from 'zod';
import { AccountId, Sha256B64url, WireMoney } from './common.js';
import { signedContract } from './signed.js';

/** What the eSE signs to pay (brief §3.4): the payment, the token it goes with (`ath`), when. */
export const PaymentPayload = z
  .object({
    idempotencyKey: z.string().regex(/^[A-Za-z0-9\-_:.]{8,64}$/),
    payer: AccountId,
    payee: AccountId,
    amount: WireMoney,
    /** Milliseconds since the epoch. */
    iat: z.number().int().positive(),
    ath: z.string().min(43).max(43),
    requestId: z.uuid().optional(),
  })
  .strict();
export type PaymentPayload = z.infer<typeof PaymentPayload>;

/** A payment signed by the device's eSE key (`jwk` header). */
export const PAYMENT = signedContract('dfs-payment+jws', 1, PaymentPayload);

/** What the eSE signs after a fresh PIN to complete a payment held for step-up (R1). */
export const StepUpConfirmation = z
  .object({
    transactionId: z.uuid(),
    challenge: Sha256B64url,
    requestHash: Sha256B64url,
    /** Milliseconds since the epoch. */
    iat: z.number().int().positive(),
  })
  .strict();
export type StepUpConfirmation = z.infer<typeof StepUpConfirmation>;

/** A step-up confirmation signed by the same eSE key as the payment. */
export const STEP_UP = signedContract('dfs-stepup+jws', 1, StepUpConfirmation);
