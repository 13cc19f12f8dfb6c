import { z } from 'zod';
import { AuthorisationCodeResult } from './authorisation-code.js';
import { AccountId, Sha256B64url, WireMoney } from './common.js';
import { IntegratorBalance, IntegratorQuotation, IntegratorTransaction, RequestStateResult } from './integrator.js';
import { signedContract } from './signed.js';

export { IntegratorBalance, IntegratorTransaction, RequestStateResult };

/** The risk answer a result carries. */
export const RiskVerdict = z.object({ decision: z.string(), ruleIds: z.array(z.string()), reason: z.string() });
export type RiskVerdict = z.infer<typeof RiskVerdict>;

/**
 * What a transfer is: a device payment, a funding, the return of an earlier payment, an
 * integrator's credit to a customer (disbursement, deposit), or a customer's cash-out at an agent
 * against an authorisation code made on the phone (withdrawal).
 */
export const TransferKind = z.enum([
  'payment',
  'funding',
  'reversal',
  'refund',
  'disbursement',
  'deposit',
  'withdrawal',
]);
export type TransferKind = z.infer<typeof TransferKind>;

const transferFields = {
  typ: z.literal('payment-result'),
  transactionId: z.string().min(1),
  idempotencyKey: z.string(),
  kind: TransferKind,
  /** Empty payee and amount on the FAILED / PAYMENT_ABANDONED answer to a payment that never arrived. */
  payer: z.string(),
  payee: z.string(),
  amount: WireMoney,
  originalId: z.string().optional(),
  requestId: z.string().optional(),
  risk: RiskVerdict,
  /** base64url SHA-256 of the signed payment's payload: ties the answer to the request. */
  requestHash: z.string(),
  /** Seconds since the epoch (set when signed). */
  iat: z.number().int().optional(),
};

const absent = z.undefined().optional();
const ABSENT = {
  code: absent,
  journalSeq: absent,
  payerBalance: absent,
  challenge: absent,
  challengeExpiresAtMs: absent,
};
/** The status-specific fields: a variant requires its own and carries none of the others. */
const only = <F extends Partial<Record<keyof typeof ABSENT, z.ZodType>>>(fields: F) =>
  ({ ...ABSENT, ...fields }) as Omit<typeof ABSENT, keyof F> & F;

/**
 * A payment result, tagged by `status`: PENDING (not decided yet, integrator view), STEP_UP_REQUIRED
 * (interim: the challenge the eSE must sign after a fresh PIN), POSTED, DECLINED, FAILED (final).
 */
export const PaymentResult = z.discriminatedUnion('status', [
  z.object({ ...transferFields, status: z.literal('PENDING'), ...only({}) }),
  z.object({
    ...transferFields,
    status: z.literal('STEP_UP_REQUIRED'),
    ...only({ challenge: Sha256B64url, challengeExpiresAtMs: z.number().int() }),
  }),
  z.object({
    ...transferFields,
    status: z.literal('POSTED'),
    ...only({ journalSeq: z.number().int().nonnegative(), payerBalance: WireMoney }),
  }),
  z.object({ ...transferFields, status: z.literal('DECLINED'), ...only({ code: z.string() }) }),
  z.object({ ...transferFields, status: z.literal('FAILED'), ...only({ code: z.string() }) }),
]);
export type PaymentResult = z.infer<typeof PaymentResult>;
/** A final payment result: POSTED, DECLINED or FAILED. */
export type FinalPaymentResult = Extract<PaymentResult, { status: 'POSTED' | 'DECLINED' | 'FAILED' }>;
/** True for a final result (not PENDING, not the interim STEP_UP_REQUIRED). */
export function isFinalResult(r: PaymentResult): r is FinalPaymentResult {
  return r.status === 'POSTED' || r.status === 'DECLINED' || r.status === 'FAILED';
}
/** Every status a payment result can carry. */
export type PaymentStatus = PaymentResult['status'];

/** A wallet's balance (`balance`) or the account just opened (`account`). */
export const BalanceResult = z.object({
  typ: z.enum(['balance', 'account']),
  accountId: AccountId,
  balance: WireMoney,
  iat: z.number().int().optional(),
});
export type BalanceResult = z.infer<typeof BalanceResult>;

/** The open requests to pay from a wallet, as its daemon fetches them. */
export const PaymentRequestList = z.object({
  typ: z.literal('payment-requests'),
  accountId: AccountId,
  requests: z.array(
    z.object({
      requestId: z.uuid(),
      integratorId: z.string(),
      payee: AccountId,
      amount: WireMoney,
      description: z.string(),
      expiresAtMs: z.number().int(),
    }),
  ),
  iat: z.number().int().optional(),
});
export type PaymentRequestList = z.infer<typeof PaymentRequestList>;

/** Everything the transaction service signs with its result key, told apart by the payload's `typ`. */
export const SignedResult = z.discriminatedUnion('typ', [
  PaymentResult,
  IntegratorTransaction,
  BalanceResult,
  IntegratorBalance,
  RequestStateResult,
  PaymentRequestList,
  IntegratorQuotation,
  AuthorisationCodeResult,
]);
export type SignedResult = z.infer<typeof SignedResult>;

/** A result signed by the transaction service's result key (`kid`), for phones and integrators (R9). */
export const RESULT = signedContract('dfs-result+jws', 1, SignedResult);
