import { camaraPost, type CamaraEndpoint } from '../../../../kit/src/camara.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SimSwapOperator } from '../domain/operator.js';

/**
 * The operator's CAMARA SIM Swap API (`POST {url}/sim-swap/v1/check`, camaraPost):
 * each answer is cached for `cacheMs` per number and age; a call slower than `deadlineMs`, a
 * transport error or a non-200 answer rejects with SIM_SWAP_CHECK_UNAVAILABLE.
 */
export function camaraSimSwap(opts: CamaraEndpoint & { cacheMs: number; now?: () => number }): SimSwapOperator {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { swapped: boolean; untilMs: number }>();
  return {
    async check(msisdn, maxAgeHours) {
      const key = `${msisdn}|${maxAgeHours}`;
      const hit = cache.get(key);
      if (hit && hit.untilMs > now()) return { swapped: hit.swapped };
      const { body } = await camaraPost(
        opts,
        '/sim-swap/v1/check',
        { phoneNumber: msisdn, maxAge: maxAgeHours },
        'SIM_SWAP_CHECK_UNAVAILABLE',
      );
      const swapped = body.swapped;
      if (typeof swapped !== 'boolean')
        throw new DfsError('SIM_SWAP_CHECK_UNAVAILABLE', 'operator answer has no boolean swapped');
      if (cache.size > 100_000) cache.clear();
      cache.set(key, { swapped, untilMs: now() + opts.cacheMs });
      return { swapped };
    },
  };
}
