import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { memoryBus } from '../../../kit/src/events.js';
import { jwks } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { startCallbacks, type CallbackDeps } from '../../../services/transaction/src/events/callbacks.js';
import { startRelay } from '../../../services/transaction/src/events/relay.js';
import { finalEventId } from '../../../services/transaction/src/domain/payments.js';
import { payRequest, sink } from './callback-sink.js';
import { expectNoPayerSide, httpHarness } from './http-harness.js';

const log = createLogger('test', 'silent');

/** The store as a crashed process sees it: after `crash()` no call of it ever completes (nothing more is written). */
function crashable<S extends object>(store: S): { store: S; crash(): void } {
  let crashed = false;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        crashed
          ? new Promise(() => {})
          : (value as (...a: unknown[]) => Promise<unknown>)
              .apply(target, args)
              .then((v) => (crashed ? new Promise(() => {}) : v));
    },
  });
  return { store: proxy, crash: () => (crashed = true) };
}
const fast = { log, timeoutMs: 300, retryMs: 60_000, backoffMs: 40, pollMs: 10 } satisfies Partial<CallbackDeps>;

describe('integrator callbacks: stored, then delivered at least once to the registered URL', () => {
  it('delivers one signed callback with an event id for the request alone, none for other payments', async () => {
    const s = await sink([]);
    const env = await httpHarness({ callbackUrl: s.url });
    const bus = memoryBus();
    const relay = startRelay(env.h.store, bus, log, 10);
    const callbacks = await startCallbacks(bus, {
      ...fast,
      store: env.h.store,
      integrators: env.integrators,
      resultKey: () => env.h.resultKey,
    });
    try {
      const requestId = await payRequest(env, 4);
      await relay.flush();
      await expect.poll(() => s.received.length, { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(s.received).toHaveLength(1);
      const body = JSON.parse(s.received[0]!.body);
      const { payload } = await compactVerify(body.signed, createLocalJWKSet(jwks([env.h.resultKey])));
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
        typ: 'integrator-transaction',
        transactionStatus: 'completed',
        serverCorrelationId: requestId,
      });
      expectNoPayerSide(s.received[0]!.body);
      expect(s.received[0]!.headers['x-event-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect([s.received[0]!.method, s.received[0]!.path]).toEqual(['PUT', '/dfs/callback']);
      expect(s.received[0]!.headers['content-type']).toBe('application/json');
    } finally {
      await callbacks.stop();
      await relay.stop();
      await env.close();
      s.server.close();
    }
  });

  it('stores the callback at once when the final event comes before the transfer is final, then sends it', async () => {
    const s = await sink([]);
    const env = await httpHarness({ callbackUrl: s.url });
    const bus = memoryBus();
    const relay = startRelay(env.h.store, bus, log, 10);
    // The relay can publish the final event before the write that makes the transfer final lands:
    // here the transfer reads PENDING until `final` is set. The consumer must not wait for it (a wait
    // holds every event behind it).
    let final = false;
    const store = {
      ...env.h.store,
      getTransfer: async (id: string) => {
        const t = await env.h.store.getTransfer(id);
        return t && !final ? { ...t, state: 'PENDING' as const, result: null } : t;
      },
    };
    const callbacks = await startCallbacks(bus, {
      ...fast,
      store,
      integrators: env.integrators,
      resultKey: () => env.h.resultKey,
    });
    try {
      const requestId = await payRequest(env, 4);
      await relay.flush();
      const eventId = finalEventId((await env.h.store.getRequest(requestId))!.transactionId!);
      await expect.poll(async () => (await env.h.store.getCallback(eventId))?.body, { timeout: 1000 }).toBeNull();
      await new Promise((r) => setTimeout(r, 100));
      expect(s.received).toHaveLength(0);
      final = true;
      await expect.poll(() => s.received.length, { timeout: 5000 }).toBe(1);
      expect(s.received[0]!.headers['x-event-id']).toBe(eventId);
      const body = JSON.parse(s.received[0]!.body);
      const { payload } = await compactVerify(body.signed, createLocalJWKSet(jwks([env.h.resultKey])));
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ transactionStatus: 'completed' });
      expect(await env.h.store.getCallback(eventId)).toMatchObject({ state: 'DELIVERED', attempts: 1 });
    } finally {
      await callbacks.stop();
      await relay.stop();
      await env.close();
      s.server.close();
    }
  });

  it(
    'keeps retrying with backoff, and a restart after a crash mid-attempt sends the same event again; ' +
      'the integrator deduplicates it to one final callback',
    async () => {
      // Two attempts refused (503); the third is accepted after 200 ms, while the service crashes.
      const s = await sink([503, 503, 204], (n) => (n === 3 ? 200 : 0));
      const env = await httpHarness({ callbackUrl: s.url });
      const bus = memoryBus();
      const relay = startRelay(env.h.store, bus, log, 10);
      const crashed = crashable(env.h.store);
      const before = await startCallbacks(bus, {
        ...fast,
        store: crashed.store,
        integrators: env.integrators,
        resultKey: () => env.h.resultKey,
      });
      try {
        await payRequest(env);
        await relay.flush();
        await expect.poll(() => s.received.length, { timeout: 5000 }).toBe(3);
        crashed.crash();
        void before.stop();
        const id = String(s.received[0]!.headers['x-event-id']);
        const after = await startCallbacks(bus, {
          ...fast,
          store: env.h.store,
          integrators: env.integrators,
          resultKey: () => env.h.resultKey,
        });
        try {
          await expect
            .poll(async () => (await env.h.store.getCallback(id))?.state, { timeout: 5000 })
            .toBe('DELIVERED');
        } finally {
          await after.stop();
        }
        expect(s.received.map((r) => r.headers['x-event-id'])).toEqual(s.received.map(() => id));
        expect(s.received.map((r) => r.status)).toEqual([503, 503, 204, 204]);
        expect(new Set(s.received.map((r) => r.body)).size).toBe(1);
        const accepted = new Set(s.received.filter((r) => r.status < 300).map((r) => r.headers['x-event-id']));
        expect(accepted.size).toBe(1);
        const { payload } = await compactVerify(
          JSON.parse(s.received[3]!.body).signed,
          createLocalJWKSet(jwks([env.h.resultKey])),
        );
        expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ transactionStatus: 'completed' });
      } finally {
        await relay.stop();
        await env.close();
        s.server.close();
      }
    },
  );

  it('gives a delivery up once its retry period is over, and keeps it as EXPIRED', async () => {
    const s = await sink(Array.from({ length: 100 }, () => 500));
    const env = await httpHarness({ callbackUrl: s.url });
    const bus = memoryBus();
    const relay = startRelay(env.h.store, bus, log, 10);
    const callbacks = await startCallbacks(bus, {
      ...fast,
      retryMs: 300,
      store: env.h.store,
      integrators: env.integrators,
      resultKey: () => env.h.resultKey,
    });
    try {
      await payRequest(env);
      await relay.flush();
      await expect.poll(() => s.received.length, { timeout: 5000 }).toBeGreaterThan(0);
      const id = String(s.received[0]!.headers['x-event-id']);
      await expect.poll(async () => (await env.h.store.getCallback(id))?.state, { timeout: 5000 }).toBe('EXPIRED');
      const sent = s.received.length;
      await new Promise((r) => setTimeout(r, 200));
      expect(s.received.length).toBe(sent);
      expect(sent).toBeGreaterThan(1);
    } finally {
      await callbacks.stop();
      await relay.stop();
      await env.close();
      s.server.close();
    }
  });
});
