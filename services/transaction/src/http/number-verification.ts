import { camaraPost, type CamaraEndpoint } from '../../../../kit/src/camara.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { NumberVerifier } from '../domain/numbers.js';

/**
 * The operator's number verification (`POST {url}/number-verification/v0/verify`, camaraPost), asked
 * every time: an answer reused even briefly would keep naming the old phone's wallet after the number
 * moved. A number that is not the operator's (404) is false; an operator that does not answer in time,
 * or answers anything else, is NUMBER_VERIFICATION_UNAVAILABLE.
 */
export function camaraNumberVerification(api: CamaraEndpoint): NumberVerifier {
  return {
    async verify(msisdn, imsiHash) {
      const res = await camaraPost(
        api,
        '/number-verification/v0/verify',
        { phoneNumber: msisdn, imsiHash },
        'NUMBER_VERIFICATION_UNAVAILABLE',
        [404],
      );
      if (res.status === 404) return false;
      const verified = res.body.devicePhoneNumberVerified;
      if (typeof verified !== 'boolean')
        throw new DfsError(
          'NUMBER_VERIFICATION_UNAVAILABLE',
          'operator answer has no boolean devicePhoneNumberVerified',
        );
      return verified;
    },
  };
}
