import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from 'vitest';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import type { httpHarness } from './http-harness.js';

/** One request a callback listener received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/** An integrator's callback listener: request n gets the next status of `answers` (then 204) after `delayMs(n)`. */
export async function sink(
  answers: number[],
  delayMs: (n: number) => number = () => 0,
): Promise<{ origin: string; url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const status = answers.shift() ?? 204;
      received.push({ method: String(req.method), path: String(req.url), headers: req.headers, body, status });
      setTimeout(() => res.writeHead(status).end(), delayMs(received.length));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { origin, url: `${origin}/dfs/callback`, received, server };
}

/** POSTs a merchantpay of 7.00 KES from `payer` to `shop` (with `callbackUrl` as its X-Callback-URL when given). */
export function postMerchantpay(
  env: Awaited<ReturnType<typeof httpHarness>>,
  payer: string,
  shop: string,
  correlationId: string = randomUUID(),
  callbackUrl?: string,
) {
  return env.call('/v1.2/mm/transactions/type/merchantpay', {
    method: 'POST',
    correlationId,
    ...(callbackUrl ? { headers: { 'X-Callback-URL': callbackUrl } } : {}),
    json: {
      amount: '700',
      currency: 'KES',
      debitParty: [{ key: 'accountid', value: payer }],
      creditParty: [{ key: 'accountid', value: shop }],
    },
  });
}

/**
 * A request to pay into a new merchant account `till` from the integrator API (with `callbackUrl` as its
 * X-Callback-URL when given), then payments from the phone: the request's own, and `extra` more.
 */
export async function payRequest(
  env: Awaited<ReturnType<typeof httpHarness>>,
  extra = 0,
  callbackUrl?: string,
  till = 'shop-a-till',
) {
  const payer = await env.h.phone(50_000);
  const shop = await env.h.merchant('KES', till);
  const created = await (await postMerchantpay(env, payer.accountId, shop, randomUUID(), callbackUrl)).json();
  expect(created.notificationMethod).toBe('callback');
  for (let i = 0; i <= extra; i++)
    await submitPayment(
      await payer.sign(payer.payment(shop, 700, { requestId: created.serverCorrelationId })),
      payer.token,
      payer.peer,
      env.h.deps,
    );
  await submitPayment(await payer.sign(payer.payment(shop, 5)), payer.token, payer.peer, env.h.deps);
  return created.serverCorrelationId as string;
}
