import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { memoryBus } from '../../../kit/src/events.js';
import { jwks } from '../../../kit/src/keys.js';
import { createLogger, type Logger } from '../../../kit/src/log.js';
import type { IntegratorRegistry } from '../../../services/transaction/src/domain/integrators.js';
import { startCallbacks, type CallbackDeps } from '../../../services/transaction/src/events/callbacks.js';
import { startRelay } from '../../../services/transaction/src/events/relay.js';
import type { CallbackStore } from '../../../services/transaction/src/store/ports.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { payRequest, postMerchantpay, sink } from './callback-sink.js';
import { httpHarness } from './http-harness.js';

const log = createLogger('test', 'silent');
const fast = { log, timeoutMs: 300, retryMs: 60_000, backoffMs: 40, pollMs: 10 } satisfies Partial<CallbackDeps>;
const MERCHANTPAY = '/v1.2/mm/transactions/type/merchantpay';
const settle = () => new Promise((r) => setTimeout(r, 300));
const codeOf = (body: { errorParameters?: { key: string; value: string }[] }) =>
  Object.fromEntries((body.errorParameters ?? []).map((p) => [p.key, p.value]));

/** The stack as wired: the HTTP edge, the outbox relay and the callback deliveries, over one store and bus. */
async function wired(
  opts: Parameters<typeof httpHarness>[0],
  integrators?: (r: IntegratorRegistry) => IntegratorRegistry,
) {
  const env = await httpHarness(opts);
  const bus = memoryBus();
  const relay = startRelay(env.h.store, bus, log, 10);
  const callbacks = await startCallbacks(bus, {
    ...fast,
    store: env.h.store,
    integrators: integrators ? integrators(env.integrators) : env.integrators,
    resultKey: () => env.h.resultKey,
  });
  return {
    env,
    bus,
    relay,
    async close() {
      await callbacks.stop();
      await relay.stop();
      await env.close();
    },
  };
}

describe("integrator callbacks to the request's X-Callback-URL, under registered origins only", () => {
  it('PUTs exactly one signed final callback to the URL the request named, none to the default URL', async () => {
    const named = await sink([]);
    const fallback = await sink([]);
    const s = await wired({ callbackUrl: fallback.url, callbackOrigins: [named.origin] });
    try {
      const requestId = await payRequest(s.env, 3, `${named.origin}/orders/42?x=1`);
      await s.relay.flush();
      await expect.poll(() => named.received.length, { timeout: 5000 }).toBe(1);
      await settle();
      expect([named.received.length, fallback.received.length]).toEqual([1, 0]);
      const got = named.received[0]!;
      expect([got.method, got.path]).toEqual(['PUT', '/orders/42?x=1']);
      expect(got.headers['x-event-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(got.headers['x-correlationid']).toBe((await s.env.h.store.getRequest(requestId))?.correlationId);
      const { payload } = await compactVerify(
        JSON.parse(got.body).signed,
        createLocalJWKSet(jwks([s.env.h.resultKey])),
      );
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
        serverCorrelationId: requestId,
        transactionStatus: 'completed',
      });

      await payRequest(s.env, 0, undefined, 'shop-a-2');
      await s.relay.flush();
      await expect.poll(() => fallback.received.length, { timeout: 5000 }).toBe(1);
      expect([fallback.received[0]!.method, fallback.received[0]!.path]).toEqual(['PUT', '/dfs/callback']);
      expect(named.received).toHaveLength(1);
    } finally {
      await s.close();
      named.server.close();
      fallback.server.close();
    }
  });

  it(
    'refuses every SSRF form and an unregistered origin with CALLBACK_URL_NOT_ALLOWED: nothing is created, ' +
      'and the internal listener never receives a request',
    async () => {
      const registered = await sink([]);
      const internal = await sink([]);
      const port = new URL(internal.origin).port;
      const s = await wired({ callbackOrigins: [registered.origin, 'https://shop.example'] });
      try {
        const payer = await s.env.h.phone(50_000);
        const shop = await s.env.h.merchant('KES', 'shop-a-till');
        const create = (callbackUrl: string, correlationId = randomUUID()) =>
          s.env.call(MERCHANTPAY, {
            method: 'POST',
            correlationId,
            headers: { 'X-Callback-URL': callbackUrl },
            json: {
              amount: '700',
              currency: 'KES',
              debitParty: [{ key: 'accountid', value: payer.accountId }],
              creditParty: [{ key: 'accountid', value: shop }],
            },
          });
        const ok = await create(`${registered.origin}/cb`);
        expect(ok.status).toBe(202);

        const forms = [
          `${internal.origin}/internal`,
          `http://2130706433:${port}/internal`,
          `http://0x7f.0.0.1:${port}/internal`,
          `http://[::ffff:127.0.0.1]:${port}/internal`,
          `http://localhost.:${port}/internal`,
          `${registered.origin}@127.0.0.1:${port}/internal`,
          `https://shop.example@127.0.0.1:${port}/internal`,
          `https://shop.example.evil.example/cb`,
          `https://shop.example./cb`,
          `http://shop.example/cb`,
          'http://169.254.169.254/latest/meta-data/',
          `${registered.origin}/cb#x`,
          `${registered.origin}/${'a'.repeat(2048)}`,
          '/cb',
        ];
        for (const form of forms) {
          const correlationId = randomUUID();
          const res = await create(form, correlationId);
          const body = await res.json();
          expect([form, res.status, codeOf(body)]).toEqual([
            form,
            400,
            { code: 'CALLBACK_URL_NOT_ALLOWED', field: 'X-Callback-URL' },
          ]);
          expect(await s.env.h.store.findRequest('shop-a', correlationId)).toBeNull();
        }
        expect((await s.env.h.store.listOpenRequests(payer.accountId)).length).toBe(1);

        await payRequest(s.env, 0, `${registered.origin}/cb`, 'shop-a-2');
        await s.relay.flush();
        await expect.poll(() => registered.received.length, { timeout: 5000 }).toBe(1);
        await settle();
        expect(internal.received).toHaveLength(0);
      } finally {
        await s.close();
        registered.server.close();
        internal.server.close();
      }
    },
  );

  it('a P2P transfer calls back to its own X-Callback-URL (PUT); an unregistered one creates nothing', async () => {
    const named = await sink([]);
    const s = await wired({ callbackOrigins: [named.origin], types: ['transfer'] });
    try {
      const payer = await s.env.h.phone(50_000);
      const friend = await s.env.h.phone(0);
      const ask = (callbackUrl: string) =>
        s.env.call('/v1.2/mm/transactions/type/transfer', {
          method: 'POST',
          correlationId: randomUUID(),
          headers: { 'X-Callback-URL': callbackUrl },
          json: {
            amount: '900',
            currency: 'KES',
            debitParty: [{ key: 'accountid', value: payer.accountId }],
            creditParty: [{ key: 'accountid', value: friend.accountId }],
          },
        });
      const refused = await ask('http://127.0.0.1:1/internal');
      expect([refused.status, codeOf(await refused.json()).code]).toEqual([400, 'CALLBACK_URL_NOT_ALLOWED']);
      expect(await s.env.h.store.listOpenRequests(payer.accountId)).toEqual([]);
      const created = await (await ask(`${named.origin}/p2p/7`)).json();
      expect(created.notificationMethod).toBe('callback');
      const payment = payer.payment(friend.accountId, 900, { requestId: created.serverCorrelationId });
      await submitPayment(await payer.sign(payment), payer.token, payer.peer, s.env.h.deps);
      await s.relay.flush();
      await expect.poll(() => named.received.length, { timeout: 5000 }).toBe(1);
      expect([named.received[0]!.method, named.received[0]!.path]).toEqual(['PUT', '/p2p/7']);
      expect(JSON.parse(named.received[0]!.body)).toMatchObject({ type: 'transfer', transactionStatus: 'completed' });
    } finally {
      await s.close();
      named.server.close();
    }
  });

  it('keeps the URL in the idempotency hash and tells callback from polling in the request state', async () => {
    const a = await sink([]);
    const s = await wired({ callbackOrigins: [a.origin] });
    try {
      const payer = await s.env.h.phone(50_000);
      const shop = await s.env.h.merchant('KES', 'shop-a-till');
      const create = (correlationId: string, callbackUrl?: string) =>
        postMerchantpay(s.env, payer.accountId, shop, correlationId, callbackUrl);
      const id = randomUUID();
      const first = await create(id, `${a.origin}/one`);
      const firstText = await first.text();
      expect([first.status, JSON.parse(firstText).notificationMethod]).toEqual([202, 'callback']);
      expect(await (await create(id, `${a.origin}/one`)).text()).toBe(firstText);
      for (const other of [`${a.origin}/two`, undefined]) {
        const res = await create(id, other);
        expect([res.status, codeOf(await res.json()).code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      }
      const polled = await (await create(randomUUID())).json();
      expect(polled.notificationMethod).toBe('polling');
      const state = await (
        await s.env.call(`/v1.2/mm/requeststates/${JSON.parse(firstText).serverCorrelationId}`)
      ).json();
      expect(state.notificationMethod).toBe('callback');
    } finally {
      await s.close();
      a.server.close();
    }
  });

  it('sends nothing when the origin was removed after the delivery was stored: EXPIRED, with a warning', async () => {
    const target = await sink([]);
    const env = await httpHarness({ callbackOrigins: [target.origin] });
    const bus = memoryBus();
    const relay = startRelay(env.h.store, bus, log, 10);
    const added: string[] = [];
    const store: typeof env.h.store = new Proxy(env.h.store, {
      get(t, p, r) {
        if (p !== 'addCallback') return Reflect.get(t, p, r) as unknown;
        return async (c: Parameters<CallbackStore['addCallback']>[0]) => {
          const ok = await t.addCallback(c);
          added.push(c.id);
          return ok;
        };
      },
    });
    let removed = false;
    const integrators: IntegratorRegistry = {
      authenticate: (k) => env.integrators.authenticate(k),
      byId: (id) => {
        const i = env.integrators.byId(id);
        return i && removed ? { ...i, callbackOrigins: [] } : i;
      },
    };
    const warnings: string[] = [];
    const spy = Object.assign(Object.create(log) as Logger, {
      warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)),
    });
    const resultKey = () => env.h.resultKey;
    const enqueue = await startCallbacks(bus, { ...fast, pollMs: 600_000, store, integrators, resultKey });
    let deliver: Awaited<ReturnType<typeof startCallbacks>> | undefined;
    try {
      await payRequest(env, 0, `${target.origin}/cb`);
      await relay.flush();
      await expect.poll(() => added.length, { timeout: 5000 }).toBe(1);
      expect(await env.h.store.getCallback(added[0]!)).toMatchObject({ state: 'PENDING', url: `${target.origin}/cb` });
      removed = true;
      deliver = await startCallbacks(memoryBus(), { ...fast, log: spy, store, integrators, resultKey });
      await expect
        .poll(async () => (await env.h.store.getCallback(added[0]!))?.state, { timeout: 5000 })
        .toBe('EXPIRED');
      await settle();
      expect([target.received.length, (await env.h.store.getCallback(added[0]!))?.attempts]).toEqual([0, 0]);
      expect(warnings).toContain('callback not sent: target not under a registered origin');
    } finally {
      await deliver?.stop();
      await enqueue.stop();
      await relay.stop();
      await env.close();
      target.server.close();
    }
  });
});
