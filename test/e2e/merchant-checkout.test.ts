import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editPayload } from '../../cli/threats/scenarios/setup.js';
import { dfsApi, type DfsApi } from '../../examples/merchant-checkout/src/api.js';
import { fetchResultKeys, openMerchantAccount } from '../../examples/merchant-checkout/src/dfs-grpc.js';
import { orderBook, type Order } from '../../examples/merchant-checkout/src/orders.js';
import { CALLBACK_PATH, merchantHandler, type MerchantDeps } from '../../examples/merchant-checkout/src/server.js';
import {
  resultVerifier,
  type VerifiedTransaction,
  type Verifier,
} from '../../examples/merchant-checkout/src/verify.js';
import { fundedPhone, testStack } from '../support/stack.js';

/** A merchant server on port 0 whose handler is set once the stack it talks to is up. */
async function merchantServer(): Promise<{ url: string; server: Server; set(h: RequestListener): void }> {
  let handler: RequestListener = (_q, s) => void s.writeHead(503).end();
  const server = createServer((q, s) => handler(q, s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, server, set: (h) => (handler = h) };
}

describe('examples/merchant-checkout: an integrator settles orders only on verified signed results', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-merchant-'));
  const keys = { shop: randomBytes(24).toString('base64url'), poller: randomBytes(24).toString('base64url') };
  let env: Awaited<ReturnType<typeof testStack>>;
  let shop: Awaited<ReturnType<typeof merchantServer>>;
  let deps: MerchantDeps;
  let api: DfsApi;
  const verified: VerifiedTransaction[] = [];
  const eventIds: string[] = [];
  const methods: string[] = [];
  let verifying: RequestListener;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${shop.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const order = async (id: string) => (await (await fetch(`${shop.url}/orders/${id}.json`)).json()) as Order;

  beforeAll(async () => {
    shop = await merchantServer();
    const file = join(dir, 'integrators.json');
    const integrators = [
      { id: 'shop', apiKey: keys.shop, accounts: ['merchant-*'], callbackOrigins: [shop.url] },
      { id: 'poller', apiKey: keys.poller, accounts: ['poll-*'] },
    ];
    writeFileSync(file, JSON.stringify({ integrators }));
    env = await testStack({ TRANSACTION_INTEGRATORS_FILE: file, CALLBACK_BACKOFF_MS: '100' });
    const link = { addr: env.stack.transactionAddr, pkiDir: env.stack.pki.dir };
    const http = env.stack.services.find((s) => s.name === 'transaction')!.httpPort;
    api = dfsApi({ url: `https://127.0.0.1:${http}`, apiKey: keys.shop });
    expect(await api.resultKeys()).toEqual(await fetchResultKeys(link));
    const real = resultVerifier(api.resultKeys);
    const account = env.world.newId('merchant');
    await openMerchantAccount(link, account, 'KES');
    deps = {
      api,
      orders: orderBook(account),
      callbackUrl: `${shop.url}${CALLBACK_PATH}`,
      verify: async (jws) => {
        const v = await real(jws);
        verified.push(v);
        return v;
      },
    };
    const handler = merchantHandler(deps);
    verifying = (q, s) => {
      if (q.url === CALLBACK_PATH) {
        eventIds.push(String(q.headers['x-event-id']));
        methods.push(String(q.method));
      }
      handler(q, s);
    };
    shop.set(verifying);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    shop?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'the phone pays the request on its native UI; the signed callback verifies and the order reads PAID; ' +
      'a tampered or foreign-signed callback is refused and the other order stays PENDING, ' +
      'and with verification switched off the same forgery marks it paid',
    async () => {
      const { phone, wallet } = await fundedPhone(env.world, 'secure', 50_000);
      const create = (amount: string) => post('/orders', { payer: wallet, amount, item: 'Flat white' });
      const resA = await create('1250');
      expect(resA.status).toBe(201);
      const a = (await resA.json()) as Order;
      const b = (await (await create('990')).json()) as Order;
      expect([a.state, b.state]).toEqual(['PENDING', 'PENDING']);

      const paid = await phone.daemon.payRequest(a.requestId);
      expect([paid.status, paid.requestId]).toEqual(['POSTED', a.requestId]);
      await expect.poll(async () => (await order(a.id)).state, { timeout: 15_000 }).toBe('PAID');
      expect(await order(a.id)).toMatchObject({ via: 'callback', transactionId: paid.transactionId });
      expect(verified.map((v) => [v.serverCorrelationId, v.transactionStatus])).toContainEqual([
        a.requestId,
        'completed',
      ]);
      expect(await (await fetch(`${shop.url}/orders/${a.id}`)).text()).toContain('data-state="PAID"');

      const eventId = eventIds[0]!;
      expect(methods[0]).toBe('PUT');
      const genuine = (await api.transaction(paid.transactionId)).signed;
      const replay = await post(CALLBACK_PATH, { signed: genuine }, { 'X-Event-Id': eventId });
      expect([replay.status, ((await replay.json()) as { duplicate?: boolean }).duplicate]).toEqual([200, true]);

      const tampered = editPayload(genuine, (p) => {
        p.serverCorrelationId = b.requestId;
        p.amount = b.amount.minorUnits;
      });
      const foreignKey = await generateKeyPair('ES256');
      const foreign = await new SignJWT({ ...decodeJwt(tampered) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dfs-result+jws', kid: decodeProtectedHeader(genuine).kid! })
        .sign(foreignKey.privateKey);
      for (const forged of [tampered, foreign]) {
        const res = await post(CALLBACK_PATH, { signed: forged }, { 'X-Event-Id': randomUUID() });
        expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([
          401,
          'CALLBACK_SIGNATURE_INVALID',
        ]);
      }
      expect((await order(b.id)).state).toBe('PENDING');

      const unverified: Verifier = async (jws) => decodeJwt(jws) as unknown as VerifiedTransaction;
      const sabotaged = merchantHandler({ ...deps, verify: unverified });
      shop.set(sabotaged);
      const res = await post(CALLBACK_PATH, { signed: tampered }, { 'X-Event-Id': randomUUID() }).finally(() =>
        shop.set(verifying),
      );
      expect(res.status).toBe(200);
      expect(await order(b.id)).toMatchObject({ state: 'PAID', via: 'callback', transactionId: paid.transactionId });
    },
    90_000,
  );

  it('without a callback URL the order settles by the verified poll of its request state and transaction', async () => {
    const till = await merchantServer();
    try {
      const link = { addr: env.stack.transactionAddr, pkiDir: env.stack.pki.dir };
      const http = env.stack.services.find((s) => s.name === 'transaction')!.httpPort;
      const account = env.world.newId('poll');
      await openMerchantAccount(link, account, 'KES');
      till.set(
        merchantHandler({
          api: dfsApi({ url: `https://127.0.0.1:${http}`, apiKey: keys.poller }),
          orders: orderBook(account),
          verify: resultVerifier(() => fetchResultKeys(link)),
        }),
      );
      const { phone, wallet } = await fundedPhone(env.world, 'secure', 50_000);
      const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
      const check = async (id: string) =>
        (await (await fetch(`${till.url}/orders/${id}/check`, { method: 'POST', headers: json })).json()) as Order;
      const created = (await (
        await fetch(`${till.url}/orders`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ payer: wallet, amount: '700' }),
        })
      ).json()) as Order;
      expect((await check(created.id)).state).toBe('PENDING');
      const paid = await phone.daemon.payRequest(created.requestId);
      expect(paid.status).toBe('POSTED');
      expect(await check(created.id)).toMatchObject({ state: 'PAID', via: 'poll', transactionId: paid.transactionId });
    } finally {
      till.server.close();
    }
  }, 60_000);

  it('a payment that fails (insufficient funds) ends the order FAILED by its callback, never PAID', async () => {
    const { phone, wallet } = await fundedPhone(env.world, 'secure', 300);
    const created = (await (await post('/orders', { payer: wallet, amount: '900' })).json()) as Order;
    const result = await phone.daemon.payRequest(created.requestId);
    expect(result.status).not.toBe('POSTED');
    await expect.poll(async () => (await order(created.id)).state, { timeout: 15_000 }).toBe('FAILED');
    expect(await order(created.id)).toMatchObject({
      via: 'callback',
      transactionId: result.transactionId,
      code: result.code,
    });
    expect(verified.map((v) => [v.serverCorrelationId, v.transactionStatus])).toContainEqual([
      created.requestId,
      result.status.toLowerCase(),
    ]);
  }, 60_000);
});
