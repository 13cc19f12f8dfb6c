import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  generateKeyPair,
  SignJWT,
  type JSONWebKeySet,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpHarness } from './http-harness.js';

describe('GET /v1/result-keys: the public JWKS that verifies signed bodies', () => {
  let env: Awaited<ReturnType<typeof httpHarness>>;
  beforeAll(async () => {
    env = await httpHarness();
    await env.h.merchant('KES', 'shop-a-till');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('is public (no API key), public parts only, and verifies a signed balance; another key does not', async () => {
    const res = await env.call('/v1/result-keys', { key: null });
    expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'application/jwk-set+json']);
    const set = (await res.json()) as JSONWebKeySet;
    expect(set.keys.map((k) => [k.kty, k.crv, 'd' in k])).toEqual([['EC', 'P-256', false]]);

    const body = (await (await env.call('/v1.2/mm/accounts/accountid/shop-a-till/balance')).json()) as {
      signed: string;
    };
    const { protectedHeader } = await compactVerify(body.signed, createLocalJWKSet(set), { algorithms: ['ES256'] });
    expect([protectedHeader.kid, protectedHeader.typ]).toEqual([set.keys[0]!.kid, 'dfs-result+jws']);

    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ typ: 'account-balance' })
      .setProtectedHeader({ ...decodeProtectedHeader(body.signed), alg: 'ES256' })
      .sign(other.privateKey);
    await expect(compactVerify(forged, createLocalJWKSet(set))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});
