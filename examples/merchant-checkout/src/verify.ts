import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';

/** What a verified signed transaction says (the JWS payload; the rest of the body is not trusted). */
export interface VerifiedTransaction {
  typ: 'integrator-transaction';
  transactionReference: string;
  transactionStatus: 'pending' | 'completed' | 'declined' | 'failed';
  creditParty: { key: string; value: string }[];
  /** Minor units as a decimal string. */
  amount: string;
  currency: string;
  /** The request to pay it answers. */
  serverCorrelationId?: string;
  code?: string;
}

/** A signed body that does not verify: bad signature, unknown key, wrong header or payload type. */
export class SignatureRefused extends Error {
  readonly code = 'CALLBACK_SIGNATURE_INVALID';
}

/** Checks a compact JWS and returns its payload; the verifier is a port so a test can show what it prevents. */
export type Verifier = (jws: string) => Promise<VerifiedTransaction>;

/**
 * Verifies `signed` with the transaction service's result keys: ES256 only, header `typ`
 * `dfs-result+jws`, payload `typ` `integrator-transaction`.
 */
export function resultVerifier(keys: () => Promise<JSONWebKeySet>): Verifier {
  return async (jws) => {
    let payload: Uint8Array;
    try {
      const res = await compactVerify(jws, createLocalJWKSet(await keys()), { algorithms: ['ES256'] });
      if (res.protectedHeader.typ !== 'dfs-result+jws') throw new Error('header typ');
      payload = res.payload;
    } catch (err) {
      throw new SignatureRefused('signature', { cause: err });
    }
    const body = JSON.parse(new TextDecoder().decode(payload)) as Partial<VerifiedTransaction>;
    if (body.typ !== 'integrator-transaction' || typeof body.transactionReference !== 'string')
      throw new SignatureRefused('payload typ');
    return body as VerifiedTransaction;
  };
}
