import type { NextFunction, Request, Response } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';

/**
 * Middleware: RATE_LIMITED (429, Retry-After 1) once the caller's allowance (by `keyOf`) is used up.
 * `take` asks the store, which every replica shares; a store that cannot answer fails the request
 * with its own error (STORE_UNAVAILABLE), never lets it through unlimited.
 */
export function rateLimit(take: (key: string) => Promise<boolean>, keyOf: (res: Response) => string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    take(keyOf(res)).then(
      (allowed) => {
        if (allowed) return next();
        res.set('Retry-After', '1');
        next(new DfsError('RATE_LIMITED'));
      },
      (err: unknown) => next(err),
    );
  };
}
