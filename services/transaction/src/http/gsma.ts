import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { GsmaError } from '../../../../contracts/integrator.js';
import { DfsError, describeError } from '../../../../kit/src/errors.js';
import { requestError } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { routeOf } from '../../../../kit/src/metrics.js';
import { gsmaError } from '../domain/gsma-errors.js';

/** The integrator API's base path: GSMA Mobile Money API v1.2 (`/{version}/mm`). */
export const GSMA_BASE = '/v1.2/mm';

/** The field a refusal names: the detail of a validation error (never of a server-side one). */
const fieldOf = (err: unknown, http: number) =>
  err instanceof DfsError && http < 500 && err.detail ? err.detail : undefined;

/** The integrator API's error handler: the GSMA error object, with the stable code's HTTP status. */
export function gsmaErrors(log: Logger, now: () => number) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = requestError(err) ?? err;
    const { code, http } = describeError(e);
    if (http >= 500) log.error({ err, route: routeOf(req) }, 'http request failed');
    res.status(http).json(gsmaError(code, fieldOf(e, http), now()));
  };
}

/** Unknown integrator API paths: GSMA identification error, NOT_FOUND. */
export function gsmaNotFound(now: () => number) {
  return (_req: Request, res: Response) => {
    const errorDateTime = new Date(now()).toISOString();
    res.status(404).json({
      errorCategory: 'identification',
      errorCode: 'identifierError',
      errorDescription: 'No such resource.',
      errorDateTime,
      errorParameters: [{ key: 'code', value: 'NOT_FOUND' }],
    } satisfies GsmaError);
  };
}

const UUID = z.uuid();
const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$`);
const DATE_TIME = z.iso.datetime({ offset: true });

/** True for an RFC 7231 IMF-fixdate or an RFC 3339 date-time that names a real instant. */
export function validDate(value: string): boolean {
  return (IMF_FIXDATE.test(value) || DATE_TIME.safeParse(value).success) && !Number.isNaN(Date.parse(value));
}

/**
 * GSMA headers on every integrator API request: X-CorrelationID must be a UUID when sent (a POST
 * must send it) and is echoed on the response, or one is generated for a GET without it; X-Date,
 * when sent, must be a valid date (INTEGRATOR_DATE_INVALID).
 */
export function gsmaHeaders(req: Request, res: Response, next: NextFunction): void {
  const sent = req.get('X-CorrelationID');
  if (sent === undefined && req.method !== 'POST') res.set('X-CorrelationID', randomUUID());
  else if (sent !== undefined && UUID.safeParse(sent).success) res.set('X-CorrelationID', sent);
  else {
    res.removeHeader('X-CorrelationID');
    next(new DfsError('INVALID_ARGUMENT', 'X-CorrelationID'));
    return;
  }
  const date = req.get('X-Date');
  if (date !== undefined && !validDate(date)) {
    next(new DfsError('INTEGRATOR_DATE_INVALID', 'X-Date'));
    return;
  }
  next();
}
