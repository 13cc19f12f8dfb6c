import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { memoryBus } from '../../../kit/src/events.js';
import { jwks } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { startCallbacks } from '../../../services/transaction/src/events/callbacks.js';
import { startRelay } from '../../../services/transaction/src/events/relay.js';
import { httpHarness } from './http-harness.js';

describe('integrator callbacks: signed result POSTed to the registered URL', () => {
  it(
    'delivers one signed callback with an event id when a ' + 'requested payment posts, and none for other payments',
    async () => {
      const received: { headers: IncomingMessage['headers']; body: string }[] = [];
      const sink = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
      const port = (sink.address() as { port: number }).port;
      const env = await httpHarness({ callbackUrl: `http://127.0.0.1:${port}/dfs/callback` });
      const bus = memoryBus();
      const log = createLogger('test', 'silent');
      const relay = startRelay(env.h.store, bus, log, 10);
      try {
        await startCallbacks(bus, { store: env.h.store, integrators: env.integrators, log, timeoutMs: 1000 });
        const payer = await env.h.phone(50_000);
        const shop = await env.h.merchant('KES', 'shop-a-till');
        const created = await (
          await env.call('/v1/transactions/type/merchantpay', {
            method: 'POST',
            correlationId: randomUUID(),
            json: {
              amount: '700',
              currency: 'KES',
              debitParty: [{ key: 'accountid', value: payer.accountId }],
              creditParty: [{ key: 'accountid', value: shop }],
            },
          })
        ).json();
        expect(created.notificationMethod).toBe('callback');
        await submitPayment(
          await payer.sign(payer.payment(shop, 700, { requestId: created.serverCorrelationId })),
          payer.token,
          payer.peer,
          env.h.deps,
        );
        await submitPayment(await payer.sign(payer.payment(shop, 5)), payer.token, payer.peer, env.h.deps);
        await relay.flush();
        await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
        await new Promise((r) => setTimeout(r, 100));
        expect(received).toHaveLength(1);
        const body = JSON.parse(received[0]!.body);
        const { payload } = await compactVerify(body.signed, createLocalJWKSet(jwks([env.h.resultKey])));
        expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
          status: 'POSTED',
          requestId: created.serverCorrelationId,
        });
        expect(received[0]!.headers['x-event-id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(received[0]!.headers['content-type']).toBe('application/json');
      } finally {
        await relay.stop();
        await env.close();
        sink.close();
      }
    },
  );
});
