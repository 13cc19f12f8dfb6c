import type { NextFunction, Request, Response } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';

/**
 * Token buckets, one per key: `perSec` tokens a second up to `burst`. Keys are integrator ids, so
 * the map is bounded by the integrators file.
 */
export function tokenBuckets(perSec: number, burst: number, now: () => number = Date.now): (key: string) => boolean {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return (key) => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: burst, atMs: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.atMs) / 1000) * perSec);
    b.atMs = t;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

/** Middleware: RATE_LIMITED (429) once the caller's bucket (by `keyOf`) is empty. */
export function rateLimit(take: (key: string) => boolean, keyOf: (res: Response) => string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (!take(keyOf(res))) {
      res.set('Retry-After', '1');
      next(new DfsError('RATE_LIMITED'));
      return;
    }
    next();
  };
}
