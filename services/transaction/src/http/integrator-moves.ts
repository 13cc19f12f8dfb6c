import type { Express } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { createTransferRequest, integratorCredit, integratorReverse } from '../domain/integrator-moves.js';
import { quote } from '../domain/quotations.js';
import { integratorWithdrawal, type WithdrawalDeps } from '../domain/withdrawals.js';
import type { CallbackTargetCheck } from '../domain/callback-target.js';
import { GSMA_BASE } from './gsma.js';
import {
  callbackUrlOf,
  correlationIdOf,
  integratorOf,
  moneyOf,
  type NumberResolver,
  parseBody,
  partyAccount,
  PartyInput,
  RequestBody,
  sendJson,
  Text,
} from './gsma-input.js';

/** The money-movement routes' dependencies: the domain's, and the amounts and currencies the edge accepts. */
export interface IntegratorMovesDeps extends WithdrawalDeps {
  /** How a GSMA `msisdn` party is resolved; absent, that identifier type is not offered. */
  resolveNumber?: NumberResolver;
  /** How a request's X-Callback-URL is checked (default CALLBACK_TARGET_CHECK). */
  callbackTarget?: CallbackTargetCheck;
  currencies: ReadonlySet<string>;
  maxAmount: number;
}

const Description = Text(160);
const UUID = z.uuid();

/** POST .../transactions/type/{disbursement|deposit}: GSMA requestTransactionType (amount in minor units). */
const CreditBody = z.strictObject({
  amount: z.string(),
  currency: z.string(),
  debitParty: PartyInput,
  creditParty: PartyInput,
  descriptionText: Description.optional(),
});

/** POST .../transactions/type/withdrawal: GSMA requestTransactionType with the customer's `oneTimeCode`. */
const WithdrawalBody = CreditBody.extend({ oneTimeCode: z.string().regex(/^\d{8}$/) });

/** POST .../quotations: GSMA requestQuotation (amount in minor units; no KYC, FX or delivery fields). */
const QuotationBody = z.strictObject({
  requestAmount: z.string(),
  requestCurrency: z.string(),
  debitParty: PartyInput,
  creditParty: PartyInput,
  type: z.enum(['merchantpay', 'transfer', 'disbursement', 'deposit']).optional(),
  subType: Text(256).optional(),
});

/** POST .../transactions/{transactionReference}/reversals: GSMA requestReversal (whole amount only). */
const ReversalBody = z.strictObject({
  type: z.literal('reversal'),
  amount: z.string().optional(),
  currency: z.string().optional(),
  descriptionText: Description.optional(),
});

/**
 * Money movements over the integrator API, mounted behind its authentication. The integrator's own
 * (GSMA disbursement, deposit, reversal) and an agent's withdrawal against the customer's one-time
 * code answer 202 with the GSMA request state, already final (completed, or failed with its code),
 * whose objectReference is the transaction. A P2P transfer is
 * a request to pay the payer confirms on the phone (202, pending). All are idempotent per
 * X-CorrelationID like merchantpay and found by `/responses/{clientCorrelationId}`. A quotation
 * (201) is signed and stored nowhere: zero fees, no FX.
 */
export function mountIntegratorMoves(app: Express, deps: IntegratorMovesDeps): void {
  for (const kind of ['disbursement', 'deposit'] as const) {
    app.post(`${GSMA_BASE}/transactions/type/${kind}`, async (req, res) => {
      const cid = correlationIdOf(req);
      const b = parseBody(req, CreditBody);
      const payer = await partyAccount(b.debitParty, 'debitParty', deps.resolveNumber);
      const payee = await partyAccount(b.creditParty, 'creditParty', deps.resolveNumber);
      const credit = {
        kind,
        correlationId: cid,
        payer,
        payee,
        money: moneyOf(b.amount, b.currency, deps),
        description: b.descriptionText ?? '',
      };
      sendJson(res, 202, await integratorCredit(integratorOf(res), credit, deps));
    });
  }

  app.post(`${GSMA_BASE}/transactions/type/withdrawal`, async (req, res) => {
    const correlationId = correlationIdOf(req);
    const b = parseBody(req, WithdrawalBody);
    const withdrawal = {
      correlationId,
      payer: await partyAccount(b.debitParty, 'debitParty', deps.resolveNumber),
      payee: await partyAccount(b.creditParty, 'creditParty', deps.resolveNumber),
      money: moneyOf(b.amount, b.currency, deps),
      code: b.oneTimeCode,
      description: b.descriptionText ?? '',
    };
    sendJson(res, 202, await integratorWithdrawal(integratorOf(res), withdrawal, deps));
  });

  app.post(`${GSMA_BASE}/transactions/type/transfer`, async (req, res) => {
    const correlation = correlationIdOf(req);
    const callbackUrl = callbackUrlOf(req, res, deps.callbackTarget);
    const { amount, currency, debitParty, creditParty, descriptionText, ...extras } = parseBody(req, RequestBody);
    const request = {
      correlationId: correlation,
      payer: await partyAccount(debitParty, 'debitParty', deps.resolveNumber),
      payee: await partyAccount(creditParty, 'creditParty', deps.resolveNumber),
      money: moneyOf(amount, currency, deps),
      description: descriptionText ?? '',
      extras,
      ...(callbackUrl ? { callbackUrl } : {}),
    };
    sendJson(res, 202, await createTransferRequest(integratorOf(res), request, deps));
  });

  app.post(`${GSMA_BASE}/quotations`, async (req, res) => {
    correlationIdOf(req);
    const b = parseBody(req, QuotationBody);
    const ask = {
      payer: await partyAccount(b.debitParty, 'debitParty', deps.resolveNumber),
      payee: await partyAccount(b.creditParty, 'creditParty', deps.resolveNumber),
      money: moneyOf(b.requestAmount, b.requestCurrency, deps, ['requestAmount', 'requestCurrency']),
      ...(b.type ? { type: b.type } : {}),
      ...(b.subType ? { subType: b.subType } : {}),
    };
    sendJson(res, 201, await quote(integratorOf(res), ask, deps));
  });

  app.post(`${GSMA_BASE}/transactions/:transactionReference/reversals`, async (req, res) => {
    const cid = correlationIdOf(req);
    const transactionId = req.params.transactionReference;
    if (!UUID.safeParse(transactionId).success) throw new DfsError('INVALID_ARGUMENT', 'transactionReference');
    const b = parseBody(req, ReversalBody);
    if ((b.amount === undefined) !== (b.currency === undefined))
      throw new DfsError('INVALID_ARGUMENT', b.amount === undefined ? 'amount' : 'currency');
    const reversal = {
      correlationId: cid,
      transactionId: transactionId!,
      money: b.amount === undefined ? null : moneyOf(b.amount, b.currency, deps),
      description: b.descriptionText ?? '',
    };
    sendJson(res, 202, await integratorReverse(integratorOf(res), reversal, deps));
  });
}
