import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, type SigningKey } from '../../../kit/src/keys.js';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../../contracts/access-token.js';
import { gsmaCode } from '../../support/openapi-conformance.js';
import { httpHarness, KEY_A, KEY_B } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;
const BALANCE_A = '/v1.2/mm/accounts/accountid/shop-a-till/balance';
const BALANCE_B = '/v1.2/mm/accounts/accountid/shop-b-till/balance';

/** The stable code of a refused call: the token endpoint's `code`, or the GSMA error's; the status must be an error. */
async function codeOf(res: Response): Promise<string | undefined> {
  expect(res.status).toBeGreaterThanOrEqual(400);
  const body = (await res.json()) as { code?: string };
  return body.code ?? gsmaCode(body);
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function tokenRequest(env: Env, authorization?: string, body = 'grant_type=client_credentials', type?: string) {
  return fetch(`${env.base}/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': type ?? 'application/x-www-form-urlencoded',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body,
  });
}

/** A token with the given claims, header and key (the real one, or an attacker's). */
function forge(key: SigningKey, claims: JWTPayload, typ = 'at+jwt', kid = key.kid) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: ACCESS_TOKEN_ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    iat: now,
    exp: now + 60,
    jti: 'j',
    client_id: claims.sub,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid, typ })
    .sign(key.privateKey);
}

describe('OAuth 2.0 client credentials for integrators (RFC 6749 §4.4; access tokens after RFC 9068)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await httpHarness();
    await env.h.merchant('KES', 'shop-a-till');
    await env.h.merchant('KES', 'shop-b-till');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('issues a short-lived ES256 token for the right client id and secret, and the API accepts it', async () => {
    const res = await tokenRequest(env, basic('shop-a', KEY_A));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    expect(decodeJwt(body.access_token)).toMatchObject({
      sub: 'shop-a',
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
    });
    const read = await env.call(BALANCE_A, { bearer: body.access_token });
    expect(read.status).toBe(200);
    expect((await read.json()).currentBalance).toBe(String((await env.h.store.getAccount('shop-a-till'))!.balance));
    // Who the caller is comes from the verified `sub`: shop-a's token does not open shop-b's account.
    expect(await codeOf(await env.call(BALANCE_B, { bearer: body.access_token }))).toBe('LEDGER_ACCOUNT_NOT_FOUND');
  });

  it('refuses a wrong secret, another client id, no credentials, other grants and other bodies', async () => {
    const wrong = await tokenRequest(env, basic('shop-a', KEY_A.replace('a', 'x')));
    expect([wrong.status, (await wrong.clone().json()).error]).toEqual([401, 'invalid_client']);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await codeOf(wrong)).toBe('OAUTH_CLIENT_INVALID');
    expect(await codeOf(await tokenRequest(env, basic('shop-a', KEY_B)))).toBe('OAUTH_CLIENT_INVALID');
    expect(await codeOf(await tokenRequest(env))).toBe('OAUTH_CLIENT_INVALID');
    expect(await codeOf(await tokenRequest(env, `Bearer ${KEY_A}`))).toBe('OAUTH_CLIENT_INVALID');
    const password = await tokenRequest(env, basic('shop-a', KEY_A), 'grant_type=password&username=a&password=b');
    expect([password.status, (await password.clone().json()).error]).toEqual([400, 'unsupported_grant_type']);
    expect(await codeOf(password)).toBe('OAUTH_GRANT_UNSUPPORTED');
    const json = await tokenRequest(
      env,
      basic('shop-a', KEY_A),
      JSON.stringify({ grant_type: 'client_credentials' }),
      'application/json',
    );
    expect([json.status, (await json.clone().json()).error]).toEqual([400, 'invalid_request']);
    expect(await codeOf(json)).toBe('INVALID_ARGUMENT');
    const many = await tokenRequest(env, basic('shop-a', KEY_A), 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9');
    expect([many.status, (await many.clone().json()).error]).toEqual([400, 'invalid_request']);
    expect(await codeOf(many)).toBe('INVALID_ARGUMENT');
  });

  it('refuses forged, expired, re-aimed and non-token JWS as bearer tokens; no fallback to the API key', async () => {
    const attacker = (await generateSigningKey()).key;
    const past = Math.floor(Date.now() / 1000) - 120;
    const refused = [
      await forge(attacker, { sub: 'shop-b' }),
      await forge(attacker, { sub: 'shop-b' }, 'at+jwt', env.tokenKey.kid),
      await forge(env.tokenKey, { sub: 'shop-a', iat: past - 60, exp: past }),
      await forge(env.tokenKey, { sub: 'shop-a', aud: 'another-api' }),
      await forge(env.tokenKey, { sub: 'shop-a', iss: 'someone-else' }),
      await forge(env.tokenKey, { sub: 'shop-a' }, 'JWT'),
      await forge(env.tokenKey, { sub: 'no-such-integrator' }),
      await forge(env.h.deps.resultKey(), { sub: 'shop-a' }),
      `${b64('{"alg":"none","typ":"at+jwt"}')}.${b64('{"sub":"shop-a"}')}.`,
      'not-a-token',
    ];
    for (const bearer of refused)
      expect(await codeOf(await env.call(BALANCE_A, { bearer }))).toBe('INTEGRATOR_TOKEN_INVALID');
    const both = await env.call(BALANCE_A, { headers: { Authorization: 'Bearer x', 'X-API-Key': KEY_A }, key: null });
    expect(await codeOf(both)).toBe('INTEGRATOR_TOKEN_INVALID');
    // The real key with the right claims is accepted: the refusals above are the checks, not the key.
    expect((await env.call(BALANCE_A, { bearer: await forge(env.tokenKey, { sub: 'shop-a' }) })).status).toBe(200);
  });

  it('sabotage: with signature checks switched off by injection, a forged token reads another integrator', async () => {
    const weak = await httpHarness({
      accessTokens: (key, integrators) => ({
        issue: async () => ({ access_token: '', token_type: 'Bearer', expires_in: 0 }),
        verify: async (token) => integrators.byId(String(decodeJwt(token).sub)) ?? null,
      }),
    });
    try {
      await weak.h.merchant('KES', 'shop-b-till');
      const forged = await forge((await generateSigningKey()).key, { sub: 'shop-b' });
      const res = await weak.call(BALANCE_B, { bearer: forged });
      expect(res.status).toBe(200);
      const balance = String((await weak.h.store.getAccount('shop-b-till'))!.balance);
      expect((await res.json()).currentBalance).toBe(balance);
    } finally {
      await weak.close();
    }
  });
});

describe('the token endpoint counts against the integrator rate limit', () => {
  it('answers 429 RATE_LIMITED once the allowance is used, by tokens and API calls alike', async () => {
    const env = await httpHarness({ rate: { perSec: 0.001, burst: 3 } });
    try {
      await env.h.merchant('KES', 'shop-a-till');
      const token = () => tokenRequest(env, basic('shop-a', KEY_A));
      expect((await token()).status).toBe(200);
      expect((await token()).status).toBe(200);
      expect((await env.call(BALANCE_A)).status).toBe(200);
      const limited = await token();
      expect([limited.status, limited.headers.get('retry-after'), await codeOf(limited)]).toEqual([
        429,
        '1',
        'RATE_LIMITED',
      ]);
      expect((await tokenRequest(env, basic('shop-b', KEY_B))).status).toBe(200);
    } finally {
      await env.close();
    }
  });
});
