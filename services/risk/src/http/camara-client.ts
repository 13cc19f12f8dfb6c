import { DfsError } from '../../../../kit/src/errors.js';
import type { SimSwapOperator } from '../domain/operator.js';

/**
 * The operator's CAMARA SIM Swap API (`POST {url}/sim-swap/v1/check`, two-legged with a bearer key):
 * each answer is cached for `cacheMs` per number and age; a call slower than `deadlineMs`, a
 * transport error or a non-200 answer rejects with SIM_SWAP_CHECK_UNAVAILABLE.
 */
export function camaraSimSwap(opts: {
  url: string;
  apiKey: () => string;
  deadlineMs: number;
  cacheMs: number;
  now?: () => number;
}): SimSwapOperator {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { swapped: boolean; untilMs: number }>();
  return {
    async check(msisdn, maxAgeHours) {
      const key = `${msisdn}|${maxAgeHours}`;
      const hit = cache.get(key);
      if (hit && hit.untilMs > now()) return { swapped: hit.swapped };
      let body: unknown;
      try {
        const res = await fetch(`${opts.url.replace(/\/$/, '')}/sim-swap/v1/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey()}` },
          body: JSON.stringify({ phoneNumber: msisdn, maxAge: maxAgeHours }),
          signal: AbortSignal.timeout(opts.deadlineMs),
        });
        body = await res.json();
        if (res.status !== 200)
          throw new Error(`operator answered ${res.status} ${(body as { code?: string }).code ?? ''}`);
      } catch (err) {
        throw new DfsError('SIM_SWAP_CHECK_UNAVAILABLE', (err as Error).message, { cause: err });
      }
      const swapped = (body as { swapped?: unknown }).swapped;
      if (typeof swapped !== 'boolean')
        throw new DfsError('SIM_SWAP_CHECK_UNAVAILABLE', 'operator answer has no boolean swapped');
      if (cache.size > 100_000) cache.clear();
      cache.set(key, { swapped, untilMs: now() + opts.cacheMs });
      return { swapped };
    },
  };
}
