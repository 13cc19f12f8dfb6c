import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { integratorBalance, integratorRequestState, integratorTransfer } from '../domain/integrator-reads.js';
import type { Integrator } from '../domain/integrators.js';
import { parseMoney } from '../domain/money.js';
import { CORRELATION_ID, createPaymentRequest, type NewPaymentRequest, type RequestDeps } from '../domain/requests.js';
import type { TransferStore } from '../store/ports.js';
import { authenticateIntegrator, type IntegratorAuthDeps } from './oauth.js';
import { rateLimit, tokenBuckets } from './rate-limit.js';

export interface IntegratorApiDeps extends RequestDeps, IntegratorAuthDeps {
  store: RequestDeps['store'] & Pick<TransferStore, 'getTransfer'>;
  currencies: ReadonlySet<string>;
  maxAmount: number;
  rate: { perSec: number; burst: number };
}

/** The path prefixes that need an integrator's X-API-Key. */
export const INTEGRATOR_PATHS = ['/v1/transactions', '/v1/accounts', '/v1/requeststates'];

const integratorOf = (res: Response): Integrator => res.locals.integrator as Integrator;

function param(req: Request, name: string, schema: z.ZodType<string>): string {
  const value = req.params[name];
  if (!schema.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', name);
  return value as string;
}

const Party = z.array(z.object({ key: z.literal('accountid'), value: ACCOUNT_ID }).strict()).length(1);

/** POST /v1/transactions/type/merchantpay, after the GSMA Mobile Money API (amount in minor units). */
const CreateRequestBody = z
  .object({
    amount: z.unknown(),
    currency: z.unknown(),
    debitParty: Party,
    creditParty: Party,
    descriptionText: z
      .string()
      .max(160)
      .regex(/^[^\p{Cc}]*$/u)
      .optional(),
  })
  .strict();

/** The request to pay a merchantpay POST asks for: its X-CorrelationID, then its body, then the amount. */
function newPaymentRequest(req: Request, deps: IntegratorApiDeps): NewPaymentRequest {
  const correlationId = req.get('X-CorrelationID') ?? '';
  if (!CORRELATION_ID.safeParse(correlationId).success) throw new DfsError('INVALID_ARGUMENT', 'X-CorrelationID');
  const parsed = CreateRequestBody.safeParse(req.body);
  if (!parsed.success) {
    throw new DfsError('INVALID_ARGUMENT', parsed.error.issues.map((i) => i.path.join('.')).join(','));
  }
  const b = parsed.data;
  return {
    correlationId,
    money: parseMoney({ minorUnits: b.amount, currency: b.currency }, deps.currencies, deps.maxAmount),
    payer: b.debitParty[0]!.value,
    payee: b.creditParty[0]!.value,
    description: b.descriptionText ?? '',
  };
}

function sendSigned(res: Response, status: number, body: string): void {
  res.status(status).type('application/json').send(body);
}

/**
 * The integrator REST API, after the GSMA Mobile Money API: create a request to pay (never moves
 * money; the payer confirms on the phone with the PIN), read a transaction, a balance and a request
 * state. Every body is signed (`signed`: a JWS by the transaction service). One handler per route.
 */
export function mountIntegratorApi(app: Express, deps: IntegratorApiDeps): void {
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    res.locals.integrator = await authenticateIntegrator(req, deps);
    next();
  };
  app.use(
    INTEGRATOR_PATHS,
    authenticate,
    rateLimit(tokenBuckets(deps.rate.perSec, deps.rate.burst, deps.now), (res) => integratorOf(res).id),
  );

  app.post('/v1/transactions/type/merchantpay', async (req, res) => {
    sendSigned(res, 202, await createPaymentRequest(integratorOf(res), newPaymentRequest(req, deps), deps));
  });

  app.get('/v1/transactions/:transactionId', async (req, res) => {
    sendSigned(res, 200, await integratorTransfer(integratorOf(res), param(req, 'transactionId', z.uuid()), deps));
  });

  app.get('/v1/accounts/:accountId/balance', async (req, res) => {
    sendSigned(res, 200, await integratorBalance(integratorOf(res), param(req, 'accountId', ACCOUNT_ID), deps));
  });

  app.get('/v1/requeststates/:serverCorrelationId', async (req, res) => {
    const id = param(req, 'serverCorrelationId', z.uuid());
    sendSigned(res, 200, await integratorRequestState(integratorOf(res), id, deps));
  });
}
