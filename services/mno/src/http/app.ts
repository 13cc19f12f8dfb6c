import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { describeError, DfsError, type ErrorCode } from '../../../../kit/src/errors.js';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { swappedWithin, type LineChange, type LineRegistry } from '../domain/lines.js';

/** The CAMARA error code each stack code answers with (CAMARA_common ErrorInfo: status, code, message). */
const CAMARA_CODES: Partial<Record<ErrorCode, string>> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  MNO_OUT_OF_RANGE: 'OUT_OF_RANGE',
  MNO_UNAUTHENTICATED: 'UNAUTHENTICATED',
  MNO_IDENTIFIER_NOT_FOUND: 'IDENTIFIER_NOT_FOUND',
  MNO_MISSING_IDENTIFIER: 'MISSING_IDENTIFIER',
};

const PhoneNumber = z.string().regex(/^\+[1-9][0-9]{4,14}$/);
const CheckBody = z.object({ phoneNumber: PhoneNumber.optional(), maxAge: z.number().int().optional() });
const DateBody = z.object({ phoneNumber: PhoneNumber.optional() });
const XCorrelator = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

function requireKey(apiKey: string): RequestHandler {
  return (req, _res, next) => {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '');
    next(m && timingSafeEqual(digest(m[1]!), digest(apiKey)) ? undefined : new DfsError('MNO_UNAUTHENTICATED'));
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success)
    throw new DfsError('INVALID_ARGUMENT', r.error.issues.map((i) => i.path.join('.') || i.message).join(','));
  return r.data;
}

const numberOf = (n: string | undefined): string => {
  if (!n) throw new DfsError('MNO_MISSING_IDENTIFIER');
  return n;
};

/**
 * HTTP edge of the operator: the CAMARA SIM Swap API (`POST /sim-swap/v1/check`, `/retrieve-date`,
 * two-legged: a bearer API key and `phoneNumber` in the body; errors as CAMARA ErrorInfo) and the
 * network's own controls the simulation drives (`/v1/lines`: new line, swap, port, remove SIM).
 */
export function mnoHttp(deps: {
  lines: LineRegistry;
  apiKey: string;
  now: () => number;
  log: Logger;
  changed: (msisdn: string, change: LineChange, atMs: number) => Promise<void>;
  ready: ReadyCheck;
  obs?: HttpObservability;
}): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  const camara = (req: Request, res: Response, next: NextFunction) => {
    const xc = req.get('x-correlator');
    if (xc !== undefined && XCorrelator.test(xc)) res.set('x-correlator', xc);
    next();
  };
  app.use('/sim-swap/v1', camara, requireKey(deps.apiKey));
  app.post('/sim-swap/v1/check', (req, res) => {
    const body = parse(CheckBody, req.body);
    const line = deps.lines.get(numberOf(body.phoneNumber));
    res.json({ swapped: swappedWithin(line, body.maxAge ?? 240, deps.now()) });
  });
  app.post('/sim-swap/v1/retrieve-date', (req, res) => {
    const body = parse(DateBody, req.body);
    const line = deps.lines.get(numberOf(body.phoneNumber));
    res.json({ latestSimChange: new Date(line.latestSimChangeMs).toISOString() });
  });
  app.use('/sim-swap/v1', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const { code, http, message } = describeError(err);
    const camaraCode = CAMARA_CODES[code];
    if (!camaraCode) return next(err);
    res.status(http).json({ status: http, code: camaraCode, message });
  });

  app.post('/v1/lines', (_req, res) => {
    res.status(201).json(deps.lines.provision());
  });
  const change =
    (kind: 'swapped' | 'ported'): RequestHandler =>
    async (req, res) => {
      const sim = deps.lines.change(String(req.params.msisdn));
      await deps.changed(sim.msisdn, kind, deps.now());
      res.json(sim);
    };
  app.post('/v1/lines/:msisdn/swap', change('swapped'));
  app.post('/v1/lines/:msisdn/port', change('ported'));
  app.delete('/v1/lines/:msisdn/sim', async (req, res) => {
    const msisdn = String(req.params.msisdn);
    deps.lines.remove(msisdn);
    await deps.changed(msisdn, 'removed', deps.now());
    res.status(204).end();
  });
  finishHttpApp(app, deps.log);
  return app;
}
