import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { mayUseAccount, type Integrator, type IntegratorRegistry } from '../domain/integrators.js';
import { wire } from '../domain/money.js';
import { createPaymentRequest, requestStatePayload, signedBody, type RequestDeps } from '../domain/requests.js';
import { decodeResult, signResult, transferPayload } from '../domain/results.js';
import { rateLimit, tokenBuckets } from './rate-limit.js';

export interface IntegratorApiDeps extends RequestDeps {
  integrators: IntegratorRegistry;
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

function sendSigned(res: Response, status: number, body: string): void {
  res.status(status).type('application/json').send(body);
}

/**
 * The integrator REST API, after the GSMA Mobile Money API: create a request to pay (never moves
 * money; the payer confirms on the phone with the PIN), read a transaction, a balance and a request
 * state. Every body is signed (`signed`: a JWS by the transaction service). One handler per route.
 */
export function mountIntegratorApi(app: Express, deps: IntegratorApiDeps): void {
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const integrator = deps.integrators.authenticate(req.get('X-API-Key'));
    if (!integrator) {
      next(new DfsError('INTEGRATOR_UNAUTHENTICATED'));
      return;
    }
    res.locals.integrator = integrator;
    next();
  };
  app.use(
    INTEGRATOR_PATHS,
    authenticate,
    rateLimit(tokenBuckets(deps.rate.perSec, deps.rate.burst, deps.now), (res) => integratorOf(res).id),
  );

  app.post('/v1/transactions/type/merchantpay', async (req, res) => {
    sendSigned(
      res,
      202,
      await createPaymentRequest(integratorOf(res), req.get('X-CorrelationID') ?? '', req.body, deps),
    );
  });

  app.get('/v1/transactions/:transactionId', async (req, res) => {
    const t = await deps.store.getTransfer(param(req, 'transactionId', z.uuid()));
    const r = t?.requestId ? await deps.store.getRequest(t.requestId) : null;
    const integrator = integratorOf(res);
    if (
      !t ||
      !(r?.integratorId === integrator.id || mayUseAccount(integrator, t.payee) || mayUseAccount(integrator, t.payer))
    )
      throw new DfsError('TRANSACTION_NOT_FOUND');
    const jws =
      t.result ??
      t.stepUp?.interim ??
      (await signResult(transferPayload(t, 'PENDING', null), deps.resultKey(), deps.now()));
    sendSigned(res, 200, signedBody(jws, decodeResult(jws)));
  });

  app.get('/v1/accounts/:accountId/balance', async (req, res) => {
    const id = param(req, 'accountId', ACCOUNT_ID);
    const a = mayUseAccount(integratorOf(res), id) ? await deps.store.getAccount(id) : null;
    if (!a) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
    const payload = { typ: 'balance', accountId: a.id, balance: wire({ minorUnits: a.balance, currency: a.currency }) };
    sendSigned(res, 200, signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload));
  });

  app.get('/v1/requeststates/:serverCorrelationId', async (req, res) => {
    const r = await deps.store.getRequest(param(req, 'serverCorrelationId', z.uuid()));
    const integrator = integratorOf(res);
    if (!r || r.integratorId !== integrator.id) throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
    const payload = requestStatePayload(r, deps.now(), integrator.callbackUrl ? 'callback' : 'polling');
    sendSigned(res, 200, signedBody(await signResult(payload, deps.resultKey(), deps.now()), payload));
  });
}
