import { DfsError } from '../../../../kit/src/errors.js';
import type { NumberVerifier } from '../domain/numbers.js';

/**
 * The operator's number verification (`POST {url}/number-verification/v0/verify`, a bearer API key,
 * CAMARA shapes): each answer is reused for `cacheMs` per (number, IMSI hash); a call slower than
 * `deadlineMs`, a transport error or a non-200 answer rejects with NUMBER_VERIFICATION_UNAVAILABLE.
 */
export function camaraNumberVerification(opts: {
  url: string;
  apiKey: () => string;
  deadlineMs: number;
  cacheMs: number;
  now?: () => number;
}): NumberVerifier {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { verified: boolean; untilMs: number }>();
  return {
    async verify(msisdn, imsiHash) {
      const key = `${msisdn}|${imsiHash}`;
      const hit = cache.get(key);
      if (hit && hit.untilMs > now()) return hit.verified;
      let body: unknown;
      try {
        const res = await fetch(`${opts.url.replace(/\/$/, '')}/number-verification/v0/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey()}` },
          body: JSON.stringify({ phoneNumber: msisdn, imsiHash }),
          signal: AbortSignal.timeout(opts.deadlineMs),
        });
        body = await res.json();
        if (res.status === 404) return false;
        if (res.status !== 200) throw new Error(`operator answered ${res.status}`);
      } catch (err) {
        throw new DfsError('NUMBER_VERIFICATION_UNAVAILABLE', (err as Error).message, { cause: err });
      }
      const verified = (body as { devicePhoneNumberVerified?: unknown }).devicePhoneNumberVerified;
      if (typeof verified !== 'boolean')
        throw new DfsError(
          'NUMBER_VERIFICATION_UNAVAILABLE',
          'operator answer has no boolean devicePhoneNumberVerified',
        );
      if (cache.size > 100_000) cache.clear();
      cache.set(key, { verified, untilMs: now() + opts.cacheMs });
      return verified;
    },
  };
}
