import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '../../../kit/src/keys.js';
import { openAccount } from '../../../services/transaction/src/domain/accounts.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { codeOf } from '../../support/expect-code.js';
import { gsmaCode } from '../../support/openapi-conformance.js';
import { payloadOf } from './harness.js';
import { httpHarness, KEY_B } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;
const MM = '/v1.2/mm';
const merchantPay = (payer: string, payee: string, amount = '2500', extra: Record<string, unknown> = {}) => ({
  amount,
  currency: 'KES',
  debitParty: [{ key: 'accountid', value: payer }],
  creditParty: [{ key: 'walletid', value: payee }],
  descriptionText: 'order 42',
  ...extra,
});

describe('integrator REST API at GSMA MM API v1.2 shapes (seed 003)', () => {
  let env: Env;
  let payer: Awaited<ReturnType<Env['h']['phone']>>;
  let shop: string;
  const create = (body: unknown, correlationId: string = randomUUID(), key?: string) =>
    env.call(`${MM}/transactions/type/merchantpay`, { method: 'POST', json: body, correlationId, key });
  beforeAll(async () => {
    env = await httpHarness();
    payer = await env.h.phone(100_000);
    shop = await env.h.merchant('KES', 'shop-a-till');
    await env.h.merchant('KES', 'shop-b-till');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates a request to pay that moves no money, with a signed GSMA request state that verifies', async () => {
    const before = await env.h.balances();
    const cid = randomUUID();
    const res = await create(merchantPay(payer.accountId, shop), cid);
    expect([res.status, res.headers.get('x-correlationid')]).toEqual([202, cid]);
    const body = await res.json();
    const { payload } = await compactVerify(body.signed, createLocalJWKSet(jwks([env.h.resultKey])));
    const signed = JSON.parse(new TextDecoder().decode(payload));
    expect(signed).toMatchObject({
      typ: 'request-state',
      status: 'pending',
      serverCorrelationId: body.serverCorrelationId,
      clientCorrelationId: cid,
      notificationMethod: 'polling',
    });
    expect(signed.objectReference).toBeUndefined();
    expect(body.status).toBe(signed.status);
    expect(await env.h.balances()).toEqual(before);
  });

  it(
    'answers a retry with the same X-CorrelationID byte for ' +
      'byte, and another body under it with IDEMPOTENCY_KEY_REUSED (GSMA duplicateRequest)',
    async () => {
      const cid = randomUUID();
      const texts = await Promise.all(
        Array.from({ length: 5 }, async () => (await create(merchantPay(payer.accountId, shop), cid)).text()),
      );
      expect(new Set(texts).size).toBe(1);
      const reused = await create(merchantPay(payer.accountId, shop, '2501'), cid);
      const err = await reused.json();
      expect([reused.status, gsmaCode(err), err.errorCategory, err.errorCode]).toEqual([
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'businessRule',
        'duplicateRequest',
      ]);
      const extras = await create(merchantPay(payer.accountId, shop, '2500', { subType: 'other' }), cid);
      expect(gsmaCode(await extras.json())).toBe('IDEMPOTENCY_KEY_REUSED');
    },
  );

  it(
    'is paid only by the payer phone (a signed payment naming the request); then request state, ' +
      'response link, transaction (echoing the GSMA optional fields), balance and account transactions read back',
    async () => {
      const cid = randomUUID();
      const extras = {
        subType: 'online',
        requestingOrganisationTransactionReference: 'order-7731',
        requestDate: '2026-12-01T10:00:00Z',
        metadata: [{ key: 'basket', value: '3 items' }],
      };
      const created = await (await create(merchantPay(payer.accountId, shop, '1200', extras), cid)).json();
      const requestId = created.serverCorrelationId as string;
      expect((await (await env.call(`${MM}/responses/${cid}`)).json()).link).toBe(`${MM}/requeststates/${requestId}`);
      const wrong = payer.payment(shop, 1300, { requestId });
      expect(await codeOf(submitPayment(await payer.sign(wrong), payer.token, payer.peer, env.h.deps))).toBe(
        'PAYMENT_REQUEST_MISMATCH',
      );
      const pay = async () =>
        payloadOf(
          await submitPayment(
            await payer.sign(payer.payment(shop, 1200, { requestId })),
            payer.token,
            payer.peer,
            env.h.deps,
          ),
        );
      const paid = await pay();
      expect([paid.status, paid.requestId]).toEqual(['POSTED', requestId]);
      const again = await pay();
      expect([again.status, again.code]).toEqual(['FAILED', 'PAYMENT_REQUEST_NOT_PENDING']);

      const state = await (await env.call(`${MM}/requeststates/${requestId}`)).json();
      expect([state.status, state.objectReference]).toEqual(['completed', paid.transactionId]);
      expect((await (await env.call(`${MM}/responses/${cid}`)).json()).link).toBe(
        `${MM}/transactions/${paid.transactionId}`,
      );
      const tx = await (await env.call(`${MM}/transactions/${paid.transactionId}`)).json();
      expect(tx).toMatchObject({
        transactionReference: paid.transactionId,
        transactionStatus: 'completed',
        type: 'merchantpay',
        amount: '1200',
        currency: 'KES',
        debitParty: [{ key: 'accountid', value: payer.accountId }],
        creditParty: [{ key: 'accountid', value: shop }],
        serverCorrelationId: requestId,
        descriptionText: 'order 42',
        ...extras,
      });
      expect(payloadOf(tx.signed)).toMatchObject({ transactionReference: paid.transactionId, ...extras });
      expect(await (await env.call(`${MM}/transactions/${paid.transactionId}`, { key: KEY_B })).status).toBe(404);

      const bal = await (await env.call(`${MM}/accounts/accountid/shop-a-till/balance`)).json();
      expect(payloadOf(bal.signed)).toMatchObject({ currentBalance: bal.currentBalance, currency: 'KES' });
      expect(Number(bal.currentBalance)).toBeGreaterThanOrEqual(1200);
      const alias = await (await env.call(`${MM}/accounts/walletid/shop-a-till/balance`)).json();
      expect(alias.currentBalance).toBe(bal.currentBalance);

      const list = await env.call(`${MM}/accounts/accountid/shop-a-till/transactions?limit=1`);
      expect([list.headers.get('x-records-returned-count'), (await list.json()).length]).toEqual(['1', 1]);
      const all = await (await env.call(`${MM}/accounts/accountid/shop-a-till/transactions`)).json();
      expect(
        all.find((t: { transactionReference: string }) => t.transactionReference === paid.transactionId),
      ).toMatchObject({ transactionStatus: 'completed', ...extras });
    },
  );

  it('lists an own account transactions newest first with limit/offset; never another integrator account', async () => {
    const till = await env.h.merchant('KES', 'shop-a-list');
    const ids: string[] = [];
    for (const amount of [101, 102, 103]) {
      env.h.clock.now += 1000;
      ids.push(
        payloadOf(
          await submitPayment(await payer.sign(payer.payment(till, amount)), payer.token, payer.peer, env.h.deps),
        ).transactionId as string,
      );
    }
    const all = await (await env.call(`${MM}/accounts/accountid/${till}/transactions`)).json();
    expect(all.map((t: { transactionReference: string }) => t.transactionReference)).toEqual([...ids].reverse());
    expect(all.map((t: { amount: string }) => t.amount)).toEqual(['103', '102', '101']);
    const second = await (await env.call(`${MM}/accounts/accountid/${till}/transactions?limit=1&offset=1`)).json();
    expect(second.map((t: { transactionReference: string }) => t.transactionReference)).toEqual([ids[1]]);
    const other = await env.call(`${MM}/accounts/accountid/${till}/transactions`, { key: KEY_B });
    expect([other.status, gsmaCode(await other.json())]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
    const wallet = await env.call(`${MM}/accounts/accountid/${payer.accountId}/transactions`);
    expect([wallet.status, gsmaCode(await wallet.json())]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
  });

  it(
    "tells a payer wallet's or an own account's display name and nothing else; not another " +
      "integrator's account, nor one opened without a name",
    async () => {
      const open = (accountId: string, holderDeviceId: string | null, name?: string) =>
        openAccount(
          { accountId, holderDeviceId, opening: null, currency: 'KES', ...(name ? { name } : {}) },
          env.h.deps,
        );
      await open('wallet-named', 'dev-named', 'Amina Wanjiru');
      await open('shop-a-named', null, 'Kahawa Corner');
      await open('shop-b-named', null, 'Other Shop');
      const name = (id: string, key?: string) => env.call(`${MM}/accounts/accountid/${id}/accountname`, { key });
      for (const [id, fullName] of [
        ['wallet-named', 'Amina Wanjiru'],
        ['shop-a-named', 'Kahawa Corner'],
      ]) {
        const res = await name(id!);
        expect([res.status, await res.json()]).toEqual([200, { name: { fullName } }]);
      }
      expect((await (await name('wallet-named', KEY_B)).json()).name.fullName).toBe('Amina Wanjiru');
      for (const [id, key] of [
        ['shop-b-named', undefined],
        ['shop-a-named', KEY_B],
        [payer.accountId, undefined],
        ['wallet-nobody', undefined],
      ] as const) {
        const res = await name(id, key);
        expect([res.status, gsmaCode(await res.json())]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
      }
    },
  );

  it("hides other integrators' requests, transactions and accounts, and refuses collecting into them", async () => {
    const cid = randomUUID();
    const created = await (await create(merchantPay(payer.accountId, shop), cid)).json();
    const state = await (await env.call(`${MM}/requeststates/${created.serverCorrelationId}`, { key: KEY_B })).json();
    expect(gsmaCode(state)).toBe('PAYMENT_REQUEST_NOT_FOUND');
    expect(gsmaCode(await (await env.call(`${MM}/responses/${cid}`, { key: KEY_B })).json())).toBe(
      'PAYMENT_REQUEST_NOT_FOUND',
    );
    const b = await (await env.call(`${MM}/accounts/accountid/shop-a-till/balance`, { key: KEY_B })).json();
    expect([gsmaCode(b), b.errorCategory, b.errorCode]).toEqual([
      'LEDGER_ACCOUNT_NOT_FOUND',
      'identification',
      'identifierError',
    ]);
    expect(gsmaCode(await (await env.call(`${MM}/accounts/accountid/${payer.accountId}/balance`)).json())).toBe(
      'LEDGER_ACCOUNT_NOT_FOUND',
    );
    const into = await create(merchantPay(payer.accountId, 'shop-b-till'));
    expect([into.status, gsmaCode(await into.json())]).toEqual([403, 'CALLER_NOT_ALLOWED']);
  });

  it('needs a valid X-API-Key (INTEGRATOR_UNAUTHENTICATED) on every integrator route but the heartbeat', async () => {
    for (const key of [null, '', 'wrong-key', `${KEY_B}x`]) {
      for (const [path, method] of [
        [`${MM}/transactions/type/merchantpay`, 'POST'],
        [`${MM}/transactions/${randomUUID()}`, 'GET'],
        [`${MM}/accounts/accountid/shop-a-till/balance`, 'GET'],
        [`${MM}/accounts/accountid/shop-a-till/transactions`, 'GET'],
        [`${MM}/accounts/accountid/shop-a-till/accountname`, 'GET'],
        [`${MM}/requeststates/${randomUUID()}`, 'GET'],
        [`${MM}/responses/${randomUUID()}`, 'GET'],
      ] as const) {
        const res = await env.call(path, {
          method,
          key,
          ...(method === 'POST' ? { json: merchantPay(payer.accountId, shop), correlationId: randomUUID() } : {}),
        });
        const err = await res.json();
        expect([res.status, gsmaCode(err), err.errorCategory]).toEqual([
          401,
          'INTEGRATOR_UNAUTHENTICATED',
          'authorisation',
        ]);
      }
    }
  });

  it('heartbeat is public and reflects readiness: available, then unavailable when not ready', async () => {
    const up = await env.call(`${MM}/heartbeat`, { key: null });
    expect([up.status, await up.json()]).toEqual([200, { serviceStatus: 'available' }]);
    env.ready.ok = false;
    try {
      const down = await env.call(`${MM}/heartbeat`, { key: null });
      expect([down.status, await down.json()]).toEqual([200, { serviceStatus: 'unavailable' }]);
    } finally {
      env.ready.ok = true;
    }
  });

  it('heartbeat reads degraded while ready but a dependency of payments is unhealthy or fails to answer', async () => {
    const status = async () => {
      const res = await env.call(`${MM}/heartbeat`, { key: null });
      expect(res.status).toBe(200);
      return ((await res.json()) as { serviceStatus: string }).serviceStatus;
    };
    try {
      env.dependency.ok = false;
      expect(await status()).toBe('degraded');
      env.dependency.ok = new Error('risk health check timed out');
      expect(await status()).toBe('degraded');
      env.ready.ok = false; // not ready outranks a dependency
      expect(await status()).toBe('unavailable');
    } finally {
      env.ready.ok = true;
      env.dependency.ok = true;
    }
    expect(await status()).toBe('available');
  });

  it('echoes X-CorrelationID on every integrator response, generates one for a GET without it', async () => {
    const cid = randomUUID();
    for (const res of [
      await env.call(`${MM}/accounts/accountid/shop-a-till/balance`, { correlationId: cid }),
      await env.call(`${MM}/accounts/accountid/shop-a-till/balance`, { correlationId: cid, key: null }),
      await env.call(`${MM}/heartbeat`, { correlationId: cid, key: null }),
      await env.call(`${MM}/transactions/${randomUUID()}`, { correlationId: cid }),
    ])
      expect(res.headers.get('x-correlationid')).toBe(cid);
    const generated = (await env.call(`${MM}/heartbeat`)).headers.get('x-correlationid');
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('accepts an HTTP date or RFC 3339 X-Date, refuses a malformed one: INTEGRATOR_DATE_INVALID', async () => {
    for (const date of [new Date().toUTCString(), new Date().toISOString()]) {
      const res = await env.call(`${MM}/accounts/accountid/shop-a-till/balance`, { headers: { 'X-Date': date } });
      expect(res.status).toBe(200);
    }
    for (const date of ['yesterday', 'Thu, 31 Feb 2026 25:61:00 GMT', '2026-13-01T00:00:00Z', '']) {
      env.h.writes.length = 0;
      const res = await env.call(`${MM}/transactions/type/merchantpay`, {
        method: 'POST',
        json: merchantPay(payer.accountId, shop),
        correlationId: randomUUID(),
        headers: { 'X-Date': date },
      });
      const err = await res.json();
      expect([res.status, gsmaCode(err), err.errorParameters[1]]).toEqual([
        400,
        'INTEGRATOR_DATE_INVALID',
        { key: 'field', value: 'X-Date' },
      ]);
      expect(env.h.writes).toEqual([]);
    }
  });

  it('sends the security headers of seed 003 (HSTS, strict CSP, no referrer, nosniff) on every response', async () => {
    for (const res of [
      await env.call(`${MM}/accounts/accountid/shop-a-till/balance`),
      await env.call(`${MM}/accounts/accountid/shop-a-till/balance`, { key: null }),
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

  it('keeps {code, message} on the routes outside the integrator API', async () => {
    const res = await env.call('/v1/journal/verify', { key: null });
    expect([res.status, Object.keys(await res.json()).sort()]).toEqual([401, ['code', 'message']]);
    const unknown = await env.call(`${MM}/nowhere`);
    expect([unknown.status, gsmaCode(await unknown.json())]).toEqual([404, 'NOT_FOUND']);
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
        const path = `${MM}/accounts/accountid/shop-a-till/balance`;
        const codes = [];
        for (let i = 0; i < 5; i++) codes.push((await env.call(path)).status);
        expect(codes).toEqual([200, 200, 200, 429, 429]);
        const limited = await env.call(path);
        const err = await limited.json();
        expect([gsmaCode(err), err.errorCode, limited.headers.get('retry-after')]).toEqual([
          'RATE_LIMITED',
          'rateLimitError',
          '1',
        ]);
        expect((await env.call(`${MM}/accounts/accountid/shop-b-till/balance`, { key: KEY_B })).status).toBe(200);
      } finally {
        await env.close();
      }
    },
  );
});
