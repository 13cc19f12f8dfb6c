import { z } from 'zod';
import { AccountId } from './common.js';

/** A GSMA party: one account identifier (`accountid`, or its alias `walletid`). */
export const Party = z.array(z.object({ key: z.enum(['accountid', 'walletid']), value: AccountId })).length(1);

/** GSMA key/value metadata, bounded: at most 20 pairs of 1 to 256 characters. */
export const Metadata = z
  .array(z.strictObject({ key: z.string().min(1).max(256), value: z.string().min(1).max(256) }))
  .max(20);

/** The GSMA MM API error object (errorParameters carries the stable code as `code`, and `field` when one is wrong). */
export const GsmaError = z.strictObject({
  errorCategory: z.enum([
    'businessRule',
    'validation',
    'authorisation',
    'identification',
    'internal',
    'serviceUnavailable',
  ]),
  errorCode: z.string(),
  errorDescription: z.string(),
  errorDateTime: z.iso.datetime(),
  errorParameters: Metadata,
});
export type GsmaError = z.infer<typeof GsmaError>;

/** The GSMA transaction status of a transfer as an integrator sees it. */
export const TransactionStatus = z.enum(['pending', 'completed', 'declined', 'failed']);

/**
 * A transaction as an integrator reads it and receives it in a callback (GSMA MM API transaction
 * object): what a merchant needs to settle an order, and nothing of the payer's side (no balance,
 * no risk rule ids or reason, no idempotency key or request hash of the phone's signed payment, no
 * step-up challenge). A payment held for a step-up is `pending` here. Amounts are minor units.
 */
export const IntegratorTransaction = z.strictObject({
  typ: z.literal('integrator-transaction'),
  transactionReference: z.string().min(1),
  transactionStatus: TransactionStatus,
  /** Why it did not complete (a code of the error table). */
  code: z.string().optional(),
  type: z.enum(['merchantpay', 'transfer', 'deposit', 'disbursement', 'withdrawal', 'reversal', 'adjustment']),
  subType: z.string().max(256).optional(),
  amount: z.string(),
  currency: z.string(),
  debitParty: Party,
  creditParty: Party,
  creationDate: z.iso.datetime(),
  modificationDate: z.iso.datetime().optional(),
  transactionReceipt: z.string().optional(),
  originalTransactionReference: z.string().optional(),
  serverCorrelationId: z.string().optional(),
  descriptionText: z.string().optional(),
  requestDate: z.string().optional(),
  requestingOrganisationTransactionReference: z.string().optional(),
  metadata: Metadata.optional(),
  iat: z.number().int().optional(),
});
export type IntegratorTransaction = z.infer<typeof IntegratorTransaction>;

/** The balance of one of the integrator's own accounts (GSMA responseAccountBalance; minor units). */
export const IntegratorBalance = z.strictObject({
  typ: z.literal('account-balance'),
  currentBalance: z.string(),
  availableBalance: z.string(),
  currency: z.string(),
  accountStatus: z.literal('available'),
  iat: z.number().int().optional(),
});
export type IntegratorBalance = z.infer<typeof IntegratorBalance>;

/** The GSMA request state of an integrator's request to pay (seed 003). */
export const RequestStateResult = z.strictObject({
  typ: z.literal('request-state'),
  serverCorrelationId: z.uuid(),
  clientCorrelationId: z.string(),
  status: z.enum(['pending', 'completed', 'failed']),
  notificationMethod: z.enum(['callback', 'polling']),
  objectReference: z.string().optional(),
  expiryTime: z.iso.datetime(),
  error: GsmaError.optional(),
  iat: z.number().int().optional(),
});
export type RequestStateResult = z.infer<typeof RequestStateResult>;

/**
 * A GSMA quotation (responseQuotation) for a movement between two accounts the integrator may name:
 * one quote, zero fees, no FX (same currency), valid until quoteExpiryTime. Amounts are minor units.
 */
export const IntegratorQuotation = z.strictObject({
  typ: z.literal('quotation'),
  quotationReference: z.uuid(),
  quotationStatus: z.literal('completed'),
  type: z.enum(['merchantpay', 'transfer', 'disbursement', 'deposit']).optional(),
  subType: z.string().max(256).optional(),
  requestAmount: z.string(),
  requestCurrency: z.string(),
  debitParty: Party,
  creditParty: Party,
  quotes: z
    .array(
      z.strictObject({
        quoteId: z.uuid(),
        sendingAmount: z.string(),
        sendingCurrency: z.string(),
        receivingAmount: z.string(),
        receivingCurrency: z.string(),
        fees: z.array(z.strictObject({ feeType: z.string(), feeAmount: z.string(), feeCurrency: z.string() })).max(0),
        quoteExpiryTime: z.iso.datetime(),
      }),
    )
    .length(1),
  creationDate: z.iso.datetime(),
  iat: z.number().int().optional(),
});
export type IntegratorQuotation = z.infer<typeof IntegratorQuotation>;
