import { DfsError } from '../../../../kit/src/errors.js';
import type { NumberVerifier } from '../domain/numbers.js';

/**
 * The operator's number verification (`POST {url}/number-verification/v0/verify`, a bearer API key,
 * CAMARA shapes), asked every time: an answer reused even briefly would keep naming the old phone's
 * wallet after the number moved. A number that is not the operator's is false; a call slower than
 * `deadlineMs`, a transport error or another non-200 answer rejects with NUMBER_VERIFICATION_UNAVAILABLE.
 */
export function camaraNumberVerification(opts: {
  url: string;
  apiKey: () => string;
  deadlineMs: number;
}): NumberVerifier {
  return {
    async verify(msisdn, imsiHash) {
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
      return verified;
    },
  };
}
