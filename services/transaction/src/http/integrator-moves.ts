import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { Metadata } from '../../../../contracts/integrator.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import {
  createTransferRequest,
  integratorCredit,
  integratorReverse,
  type MoveDeps,
} from '../domain/integrator-moves.js';
import type { Integrator } from '../domain/integrators.js';
import { quote } from '../domain/quotations.js';
import { parseMoney, type Money } from '../domain/money.js';
import { GSMA_BASE } from './gsma.js';

/** The money-movement routes' dependencies: the domain's, and the amounts and currencies the edge accepts. */
export interface IntegratorMovesDeps extends MoveDeps {
  currencies: ReadonlySet<string>;
  maxAmount: number;
}

const IDENTIFIER_TYPES = new Set(['accountid', 'walletid']);
const Text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u);
const Description = Text(160);
const PartyInput = z.array(z.strictObject({ key: z.string(), value: z.string() })).length(1);

/** POST .../transactions/type/{disbursement|deposit}: GSMA requestTransactionType (amount in minor units). */
const CreditBody = z.strictObject({
  amount: z.string(),
  currency: z.string(),
  debitParty: PartyInput,
  creditParty: PartyInput,
  descriptionText: Description.optional(),
});

/** POST .../transactions/type/transfer: GSMA requestTransactionType for P2P, with the optional GSMA fields. */
const TransferBody = CreditBody.extend({
  subType: Text(256).optional(),
  requestingOrganisationTransactionReference: Text(256).optional(),
  requestDate: z.iso.datetime({ offset: true }).optional(),
  metadata: Metadata.optional(),
});

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

const fieldsOf = (error: z.ZodError) =>
  [
    ...new Set(error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [i.path.join('.') || 'body']))),
  ].join(',');

function body<T>(req: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw new DfsError('INVALID_ARGUMENT', fieldsOf(parsed.error));
  return parsed.data;
}

function partyAccount(party: { key: string; value: string }[], name: string): string {
  const p = party[0]!;
  if (!IDENTIFIER_TYPES.has(p.key)) throw new DfsError('INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED', `${name}.0.key`);
  if (!ACCOUNT_ID.safeParse(p.value).success) throw new DfsError('INVALID_ARGUMENT', `${name}.0.value`);
  return p.value;
}

function money(
  amount: string,
  currency: string | undefined,
  deps: IntegratorMovesDeps,
  names = ['amount', 'currency'],
): Money {
  try {
    return parseMoney({ minorUnits: amount, currency }, deps.currencies, deps.maxAmount);
  } catch (err) {
    if (err instanceof DfsError) throw new DfsError(err.code, err.code === 'CURRENCY_INVALID' ? names[1] : names[0]);
    throw err;
  }
}

/** The X-CorrelationID a money movement must carry (gsmaHeaders has checked it is a UUID). */
function correlationId(req: Request): string {
  const id = req.get('X-CorrelationID');
  if (id === undefined) throw new DfsError('INVALID_ARGUMENT', 'X-CorrelationID');
  return id;
}

const integratorOf = (res: Response): Integrator => res.locals.integrator as Integrator;
const UUID = z.uuid();

function sendJson(res: Response, status: number, text: string): void {
  res.status(status).type('application/json').send(text);
}

/**
 * Money movements over the integrator API, mounted behind its authentication. The integrator's own
 * (GSMA disbursement, deposit, reversal) answer 202 with the GSMA request state, already final
 * (completed, or failed with its code), whose objectReference is the transaction. A P2P transfer is
 * a request to pay the payer confirms on the phone (202, pending). All are idempotent per
 * X-CorrelationID like merchantpay and found by `/responses/{clientCorrelationId}`. A quotation
 * (201) is signed and stored nowhere: zero fees, no FX.
 */
export function mountIntegratorMoves(app: Express, deps: IntegratorMovesDeps): void {
  for (const kind of ['disbursement', 'deposit'] as const) {
    app.post(`${GSMA_BASE}/transactions/type/${kind}`, async (req, res) => {
      const cid = correlationId(req);
      const b = body(req, CreditBody);
      const payer = partyAccount(b.debitParty, 'debitParty');
      const payee = partyAccount(b.creditParty, 'creditParty');
      const credit = {
        kind,
        correlationId: cid,
        payer,
        payee,
        money: money(b.amount, b.currency, deps),
        description: b.descriptionText ?? '',
      };
      sendJson(res, 202, await integratorCredit(integratorOf(res), credit, deps));
    });
  }

  app.post(`${GSMA_BASE}/transactions/type/transfer`, async (req, res) => {
    const correlation = correlationId(req);
    const { amount, currency, debitParty, creditParty, descriptionText, ...extras } = body(req, TransferBody);
    const request = {
      correlationId: correlation,
      payer: partyAccount(debitParty, 'debitParty'),
      payee: partyAccount(creditParty, 'creditParty'),
      money: money(amount, currency, deps),
      description: descriptionText ?? '',
      extras,
    };
    sendJson(res, 202, await createTransferRequest(integratorOf(res), request, deps));
  });

  app.post(`${GSMA_BASE}/quotations`, async (req, res) => {
    correlationId(req);
    const b = body(req, QuotationBody);
    const ask = {
      payer: partyAccount(b.debitParty, 'debitParty'),
      payee: partyAccount(b.creditParty, 'creditParty'),
      money: money(b.requestAmount, b.requestCurrency, deps, ['requestAmount', 'requestCurrency']),
      ...(b.type ? { type: b.type } : {}),
      ...(b.subType ? { subType: b.subType } : {}),
    };
    sendJson(res, 201, await quote(integratorOf(res), ask, deps));
  });

  app.post(`${GSMA_BASE}/transactions/:transactionReference/reversals`, async (req, res) => {
    const cid = correlationId(req);
    const transactionId = req.params.transactionReference;
    if (!UUID.safeParse(transactionId).success) throw new DfsError('INVALID_ARGUMENT', 'transactionReference');
    const b = body(req, ReversalBody);
    if ((b.amount === undefined) !== (b.currency === undefined))
      throw new DfsError('INVALID_ARGUMENT', b.amount === undefined ? 'amount' : 'currency');
    const reversal = {
      correlationId: cid,
      transactionId: transactionId!,
      money: b.amount === undefined ? null : money(b.amount, b.currency, deps),
      description: b.descriptionText ?? '',
    };
    sendJson(res, 202, await integratorReverse(integratorOf(res), reversal, deps));
  });
}
