import { camaraPost, type CamaraEndpoint } from '../../../../kit/src/camara.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SimSwapOperator } from '../domain/operator.js';

/**
 * The operator's CAMARA SIM Swap API (`POST {url}/sim-swap/v1/check`, camaraPost): concurrent
 * checks of a number share one call and each answer is cached for `cacheMs` per number and age; a
 * call slower than `deadlineMs`, a transport error or a non-200 answer rejects with
 * SIM_SWAP_CHECK_UNAVAILABLE, and the next check calls again.
 */
export function camaraSimSwap(opts: CamaraEndpoint & { cacheMs: number; now?: () => number }): SimSwapOperator {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { swapped: Promise<boolean>; untilMs: number }>();
  const ask = async (msisdn: string, maxAgeHours: number): Promise<boolean> => {
    const { body } = await camaraPost(
      opts,
      '/sim-swap/v1/check',
      { phoneNumber: msisdn, maxAge: maxAgeHours },
      'SIM_SWAP_CHECK_UNAVAILABLE',
    );
    if (typeof body.swapped !== 'boolean')
      throw new DfsError('SIM_SWAP_CHECK_UNAVAILABLE', 'operator answer has no boolean swapped');
    return body.swapped;
  };
  return {
    async check(msisdn, maxAgeHours) {
      const key = `${msisdn}|${maxAgeHours}`;
      const hit = cache.get(key);
      if (hit && hit.untilMs > now()) return { swapped: await hit.swapped };
      if (cache.size > 100_000) cache.clear();
      // Checks of one number while its call is out share that call; an answer is then kept for
      // cacheMs, a failure for no one.
      const entry = { swapped: ask(msisdn, maxAgeHours), untilMs: Infinity };
      cache.set(key, entry);
      entry.swapped.then(
        () => (entry.untilMs = now() + opts.cacheMs),
        () => cache.get(key) === entry && cache.delete(key),
      );
      return { swapped: await entry.swapped };
    },
  };
}
