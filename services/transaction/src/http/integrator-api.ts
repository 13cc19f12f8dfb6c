import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import type { ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import {
  integratorAccountName,
  integratorAccountTransfers,
  integratorBalance,
  integratorRequestState,
  integratorResponse,
  integratorTransfer,
} from '../domain/integrator-reads.js';
import { serviceStatus, type HealthSignal } from '../domain/heartbeat.js';
import { createPaymentRequest, type NewPaymentRequest, type RequestDeps } from '../domain/requests.js';
import type { LedgerStore } from '../store/ports.js';
import { GSMA_BASE, gsmaErrors, gsmaHeaders, gsmaNotFound } from './gsma.js';
import {
  callbackUrlOf,
  correlationIdOf,
  identifiedAccount,
  type NumberResolver,
  integratorOf,
  moneyOf,
  parseBody,
  partyAccount,
  RequestBody,
  sendJson,
  transferFilterOf,
} from './gsma-input.js';
import { mountIntegratorMoves, type IntegratorMovesDeps } from './integrator-moves.js';
import { authenticateIntegrator, type IntegratorAuthDeps } from './oauth.js';
import { rateLimit } from './rate-limit.js';
import { rateAllowance } from '../domain/rate.js';

export interface IntegratorApiDeps extends RequestDeps, IntegratorAuthDeps, IntegratorMovesDeps {
  store: LedgerStore;
  currencies: ReadonlySet<string>;
  maxAmount: number;
  rate: { perSec: number; burst: number };
  /** What payments and callbacks need beyond the store and bus: the heartbeat reads degraded while one is unhealthy. */
  dependencies?: readonly HealthSignal[];
}

/** The path prefixes of the integrator API (routed by the ingress). */
export const INTEGRATOR_PATHS = [GSMA_BASE];

function param(req: Request, name: string, schema: z.ZodType<string>): string {
  const value = req.params[name];
  if (!schema.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', name);
  return value as string;
}

/** The account id a GSMA `{identifierType}/{identifier}` path names. */
function accountParam(req: Request, resolveNumber?: NumberResolver): Promise<string> {
  const fields = { type: 'identifierType', value: 'identifier' };
  return identifiedAccount(String(req.params.identifierType), String(req.params.identifier), fields, resolveNumber);
}

/** A `limit` (1 to 50, default 50) or `offset` (0 to 10000, default 0) query parameter. */
function pageParam(req: Request, name: 'limit' | 'offset', min: number, max: number, fallback: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new DfsError('INVALID_ARGUMENT', name);
  return n;
}

/** The request to pay a merchantpay POST asks for: its X-CorrelationID (a UUID), its body, then the amount. */
async function newPaymentRequest(req: Request, deps: IntegratorApiDeps): Promise<NewPaymentRequest> {
  const correlationId = correlationIdOf(req);
  const { amount, currency, debitParty, creditParty, descriptionText, ...extras } = parseBody(req, RequestBody);
  const money = moneyOf(amount, currency, deps);
  const payer = await partyAccount(debitParty, 'debitParty', deps.resolveNumber);
  const payee = await partyAccount(creditParty, 'creditParty', deps.resolveNumber);
  return { correlationId, money, payer, payee, description: descriptionText ?? '', extras };
}

/** Takes one request from an integrator's allowance (INTEGRATOR_RATE_*), in the store every replica shares. */
export function integratorRate(deps: Pick<IntegratorApiDeps, 'store' | 'now' | 'rate'>) {
  const allowance = rateAllowance(deps.rate.perSec, deps.rate.burst);
  return (integratorId: string) => deps.store.takeRate(integratorId, deps.now(), allowance);
}

/**
 * The integrator REST API at GSMA Mobile Money API v1.2 shapes (base `/v1.2/mm`): create a request
 * to pay (never moves money; the payer confirms on the phone with the PIN), read a transaction,
 * a request state, the response to an earlier request, an own account's balance and transactions,
 * an account holder's name, and the public heartbeat. Every payment or balance body is signed (`signed`: a JWS by the
 * transaction service); errors are GSMA error objects carrying the stable code. One handler per route.
 */
export function mountIntegratorApi(app: Express, deps: IntegratorApiDeps & { ready: ReadyCheck; log: Logger }): void {
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    res.locals.integrator = await authenticateIntegrator(req, deps);
    next();
  };
  app.use(GSMA_BASE, gsmaHeaders);

  app.get(`${GSMA_BASE}/heartbeat`, async (req, res) => {
    const ready = () => !req.app.locals.draining && deps.ready();
    res.json({ serviceStatus: await serviceStatus(ready, deps.dependencies ?? []) });
  });

  app.use(
    GSMA_BASE,
    authenticate,
    rateLimit(integratorRate(deps), (res) => integratorOf(res).id),
  );

  app.post(`${GSMA_BASE}/transactions/type/merchantpay`, async (req, res) => {
    const callbackUrl = callbackUrlOf(req, res, deps.callbackTarget);
    const asked = { ...(await newPaymentRequest(req, deps)), ...(callbackUrl ? { callbackUrl } : {}) };
    sendJson(res, 202, await createPaymentRequest(integratorOf(res), asked, deps));
  });

  app.get(`${GSMA_BASE}/transactions/:transactionReference`, async (req, res) => {
    const id = param(req, 'transactionReference', z.uuid());
    sendJson(res, 200, await integratorTransfer(integratorOf(res), id, deps));
  });

  app.get(`${GSMA_BASE}/requeststates/:serverCorrelationId`, async (req, res) => {
    const id = param(req, 'serverCorrelationId', z.uuid());
    sendJson(res, 200, await integratorRequestState(integratorOf(res), id, deps));
  });

  app.get(`${GSMA_BASE}/responses/:clientCorrelationId`, async (req, res) => {
    const id = param(req, 'clientCorrelationId', z.uuid());
    res.json(await integratorResponse(integratorOf(res), id, GSMA_BASE, deps));
  });

  app.get(`${GSMA_BASE}/accounts/:identifierType/:identifier/balance`, async (req, res) => {
    sendJson(res, 200, await integratorBalance(integratorOf(res), await accountParam(req, deps.resolveNumber), deps));
  });

  app.get(`${GSMA_BASE}/accounts/:identifierType/:identifier/accountname`, async (req, res) => {
    res.json(await integratorAccountName(integratorOf(res), await accountParam(req, deps.resolveNumber), deps));
  });

  app.get(`${GSMA_BASE}/accounts/:identifierType/:identifier/transactions`, async (req, res) => {
    const account = await accountParam(req, deps.resolveNumber);
    const query = {
      filter: transferFilterOf(req),
      limit: pageParam(req, 'limit', 1, 50, 50),
      offset: pageParam(req, 'offset', 0, 10_000, 0),
    };
    const { body, count, available } = await integratorAccountTransfers(integratorOf(res), account, query, deps);
    res.set({ 'X-Records-Returned-Count': String(count), 'X-Records-Available-Count': String(available) });
    sendJson(res, 200, body);
  });

  mountIntegratorMoves(app, deps);

  app.use(GSMA_BASE, gsmaNotFound(deps.now));
  app.use(GSMA_BASE, gsmaErrors(deps.log, deps.now));
}
