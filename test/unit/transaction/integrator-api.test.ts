import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '../../../kit/src/keys.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { codeOf } from '../../support/expect-code.js';
import { payloadOf } from './harness.js';
import { httpHarness, KEY_B } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;
const merchantPay = (payer: string, payee: string, amount = '2500', extra: Record<string, unknown> = {}) => ({
  amount,
  currency: 'KES',
  debitParty: [{ key: 'accountid', value: payer }],
  creditParty: [{ key: 'accountid', value: payee }],
  descriptionText: 'order 42',
  ...extra,
});

describe('integrator REST API (seed 003)', () => {
  let env: Env;
  let payer: Awaited<ReturnType<Env['h']['phone']>>;
  let shop: string;
  beforeAll(async () => {
    env = await httpHarness();
    payer = await env.h.phone(100_000);
    shop = await env.h.merchant('KES', 'shop-a-till');
    await env.h.merchant('KES', 'shop-b-till');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates a request to pay that moves no money, with a signed body that verifies', async () => {
    const before = await env.h.balances();
    const res = await env.call('/v1/transactions/type/merchantpay', {
      method: 'POST',
      json: merchantPay(payer.accountId, shop),
      correlationId: randomUUID(),
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    const { payload } = await compactVerify(body.signed, createLocalJWKSet(jwks([env.h.resultKey])));
    const signed = JSON.parse(new TextDecoder().decode(payload));
    expect(signed).toMatchObject({
      typ: 'request-state',
      status: 'pending',
      serverCorrelationId: body.serverCorrelationId,
      amount: { minorUnits: '2500', currency: 'KES' },
    });
    expect(body.status).toBe(signed.status);
    expect(await env.h.balances()).toEqual(before);
  });

  it(
    'answers a retry with the same X-CorrelationID byte for ' +
      'byte, and another body under it with IDEMPOTENCY_KEY_REUSED',
    async () => {
      const cid = randomUUID();
      const texts = await Promise.all(
        Array.from({ length: 5 }, async () =>
          (
            await env.call('/v1/transactions/type/merchantpay', {
              method: 'POST',
              json: merchantPay(payer.accountId, shop),
              correlationId: cid,
            })
          ).text(),
        ),
      );
      expect(new Set(texts).size).toBe(1);
      const reused = await env.call('/v1/transactions/type/merchantpay', {
        method: 'POST',
        json: merchantPay(payer.accountId, shop, '2501'),
        correlationId: cid,
      });
      expect([reused.status, (await reused.json()).code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    },
  );

  it(
    'is paid only by the payer phone (a signed payment naming the ' +
      'request); then state, transaction and balance read back signed',
    async () => {
      const created = await (
        await env.call('/v1/transactions/type/merchantpay', {
          method: 'POST',
          json: merchantPay(payer.accountId, shop, '1200'),
          correlationId: randomUUID(),
        })
      ).json();
      const requestId = created.serverCorrelationId as string;
      const wrong = payer.payment(shop, 1300, { requestId });
      expect(await codeOf(submitPayment(await payer.sign(wrong), payer.token, payer.peer, env.h.deps))).toBe(
        'PAYMENT_REQUEST_MISMATCH',
      );
      const paid = payloadOf(
        await submitPayment(
          await payer.sign(payer.payment(shop, 1200, { requestId })),
          payer.token,
          payer.peer,
          env.h.deps,
        ),
      );
      expect([paid.status, paid.requestId]).toEqual(['POSTED', requestId]);
      const again = payloadOf(
        await submitPayment(
          await payer.sign(payer.payment(shop, 1200, { requestId })),
          payer.token,
          payer.peer,
          env.h.deps,
        ),
      );
      expect([again.status, again.code]).toEqual(['FAILED', 'PAYMENT_REQUEST_NOT_PENDING']);

      const state = await (await env.call(`/v1/requeststates/${requestId}`)).json();
      expect([state.status, state.objectReference]).toEqual(['completed', paid.transactionId]);
      const tx = await (await env.call(`/v1/transactions/${paid.transactionId}`)).json();
      expect([tx.status, tx.signed.split('.').length]).toEqual(['POSTED', 3]);
      const bal = await (await env.call('/v1/accounts/shop-a-till/balance')).json();
      expect(payloadOf(bal.signed).balance).toEqual(bal.balance);
      expect(Number(bal.balance.minorUnits)).toBeGreaterThanOrEqual(1200);
    },
  );

  it("hides other integrators' requests, transactions and accounts, and refuses collecting into them", async () => {
    const created = await (
      await env.call('/v1/transactions/type/merchantpay', {
        method: 'POST',
        json: merchantPay(payer.accountId, shop),
        correlationId: randomUUID(),
      })
    ).json();
    expect(
      (await (await env.call(`/v1/requeststates/${created.serverCorrelationId}`, { key: KEY_B })).json()).code,
    ).toBe('PAYMENT_REQUEST_NOT_FOUND');
    expect((await (await env.call('/v1/accounts/shop-a-till/balance', { key: KEY_B })).json()).code).toBe(
      'LEDGER_ACCOUNT_NOT_FOUND',
    );
    expect((await (await env.call(`/v1/accounts/${payer.accountId}/balance`)).json()).code).toBe(
      'LEDGER_ACCOUNT_NOT_FOUND',
    );
    const into = await env.call('/v1/transactions/type/merchantpay', {
      method: 'POST',
      json: merchantPay(payer.accountId, 'shop-b-till'),
      correlationId: randomUUID(),
    });
    expect([into.status, (await into.json()).code]).toEqual([403, 'CALLER_NOT_ALLOWED']);
  });

  it('needs a valid X-API-Key (INTEGRATOR_UNAUTHENTICATED) on every integrator route', async () => {
    for (const key of [null, '', 'wrong-key', `${KEY_B}x`]) {
      for (const [path, method] of [
        ['/v1/transactions/type/merchantpay', 'POST'],
        [`/v1/transactions/${randomUUID()}`, 'GET'],
        ['/v1/accounts/shop-a-till/balance', 'GET'],
        [`/v1/requeststates/${randomUUID()}`, 'GET'],
      ] as const) {
        const res = await env.call(path, {
          method,
          key,
          ...(method === 'POST' ? { json: merchantPay(payer.accountId, shop), correlationId: randomUUID() } : {}),
        });
        expect([res.status, (await res.json()).code]).toEqual([401, 'INTEGRATOR_UNAUTHENTICATED']);
      }
    }
  });

  it('sends the security headers of seed 003 (HSTS, strict CSP, no referrer, nosniff) on every response', async () => {
    for (const res of [
      await env.call('/v1/accounts/shop-a-till/balance'),
      await env.call('/v1/accounts/shop-a-till/balance', { key: null }),
      await env.call('/openapi.json'),
      await env.call('/nowhere'),
    ]) {
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,}/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('integrator rate limits', () => {
  it(
    'answers 429 RATE_LIMITED once an integrator exhausts ' + 'its bucket, without slowing another integrator',
    async () => {
      const env = await httpHarness({ rate: { perSec: 0.001, burst: 3 } });
      try {
        await env.h.merchant('KES', 'shop-a-till');
        await env.h.merchant('KES', 'shop-b-till');
        const codes = [];
        for (let i = 0; i < 5; i++) codes.push((await env.call('/v1/accounts/shop-a-till/balance')).status);
        expect(codes).toEqual([200, 200, 200, 429, 429]);
        const limited = await env.call('/v1/accounts/shop-a-till/balance');
        expect([(await limited.json()).code, limited.headers.get('retry-after')]).toEqual(['RATE_LIMITED', '1']);
        expect((await env.call('/v1/accounts/shop-b-till/balance', { key: KEY_B })).status).toBe(200);
      } finally {
        await env.close();
      }
    },
  );
});
