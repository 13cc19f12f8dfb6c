import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { describeError, DfsError, type ErrorCode } from '../../../../kit/src/errors.js';
import { requireBearer } from '../../../../kit/src/operator-auth.js';
import { swappedWithin, type LineRegistry } from '../domain/lines.js';

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
const VerifyBody = z.object({ phoneNumber: PhoneNumber.optional(), imsiHash: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
const XCorrelator = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

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

/** Echoes a well-formed `x-correlator` (CAMARA) on the answer. */
const camara = (req: Request, res: Response, next: NextFunction) => {
  const xc = req.get('x-correlator');
  if (xc !== undefined && XCorrelator.test(xc)) res.set('x-correlator', xc);
  next();
};

/** Answers the codes CAMARA names as CAMARA ErrorInfo (status, code, message); others go on to the app's handler. */
const camaraErrors = (err: unknown, _req: Request, res: Response, next: NextFunction) => {
  const { code, http, message } = describeError(err);
  const camaraCode = CAMARA_CODES[code];
  if (!camaraCode) return next(err);
  res.status(http).json({ status: http, code: camaraCode, message });
};

/**
 * The operator's CAMARA APIs (two-legged: a bearer API key and `phoneNumber` in the body; errors as
 * CAMARA ErrorInfo, an `x-correlator` echoed back): SIM Swap under `/sim-swap/v1` (`POST /check`,
 * `/retrieve-date`), and Number Verification under `/number-verification/v0` (`POST /verify`), where
 * the device's evidence is the SHA-256 of the IMSI its eSE signed rather than its network connection.
 */
export function mountSimSwapApi(app: Express, deps: { lines: LineRegistry; apiKey: string; now: () => number }): void {
  for (const base of ['/sim-swap/v1', '/number-verification/v0'])
    app.use(base, camara, requireBearer(deps.apiKey, 'MNO_UNAUTHENTICATED'));
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
  app.post('/number-verification/v0/verify', (req, res) => {
    const body = parse(VerifyBody, req.body);
    const line = deps.lines.get(numberOf(body.phoneNumber));
    res.json({ devicePhoneNumberVerified: deps.lines.servesImsiHash(line.msisdn, body.imsiHash) });
  });
  for (const base of ['/sim-swap/v1', '/number-verification/v0']) app.use(base, camaraErrors);
}
