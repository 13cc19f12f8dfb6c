import { createServer } from 'node:http';
import { callbackOrigins } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { payer, postAsIntegrator } from './setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a callback may take to arrive once the request is paid. */
const CALLBACK_WAIT_MS = 15_000;

/** A listener on loopback standing in for an internal service of the stack: it counts what reaches it. */
async function internalService() {
  const received: { method: string; path: string; signed: boolean }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      received.push({ method: String(req.method), path: String(req.url), signed: body.includes('"signed"') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { origin, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** POST merchantpay as the integrator, with `headers` added. */
const merchantpay = (ctx: Context, payerWallet: string, merchant: string, headers: Record<string, string>) =>
  postAsIntegrator(
    ctx,
    '/v1.2/mm/transactions/type/merchantpay',
    {
      amount: '1500',
      currency: 'KES',
      debitParty: [{ key: 'accountid', value: payerWallet }],
      creditParty: [{ key: 'accountid', value: merchant }],
    },
    headers,
  );

async function callbackToInternal(ctx: Context): Promise<Observation> {
  if (!ctx.integrator) return notBuilt('the integrator API needs TRANSACTION_HTTP_URL and a registered key');
  const internal = await internalService();
  try {
    const { phone, wallet, merchant } = await payer(ctx.world);
    const baseline = await merchantpay(ctx, wallet, merchant, {});
    const target = `${internal.origin}/internal/admin`;
    const shown = target.replace(/^\w+:\/\//, '');
    const r = await merchantpay(ctx, wallet, merchant, { 'X-Callback-URL': target });
    const paid = r.requestId ? await attempt(() => phone.daemon.payRequest(r.requestId!)) : null;
    for (let waited = 0; paid?.ok && internal.received.length === 0 && waited < CALLBACK_WAIT_MS; waited += 100)
      await sleep(100);
    const first = internal.received[0];
    const payment = paid ? (paymentCode(paid) ?? 'POSTED') : null;
    return observed(
      r.code,
      internal.received.length > 0,
      {
        baselineStatus: baseline.status,
        status: r.status,
        requestCreated: r.requestId !== null,
        payment,
        internalRequests: internal.received.length,
        internalMethod: first?.method ?? null,
        internalPath: first?.path ?? null,
        internalGotSignedResult: first?.signed ?? false,
      },
      [
        `the integrator's key creates a request to pay without X-Callback-URL: HTTP ${baseline.status}`,
        `it creates another whose X-Callback-URL names ${shown}, a loopback service not registered`,
        r.requestId
          ? `accepted (HTTP ${r.status}); the phone pays it: ${payment}`
          : `refused: HTTP ${r.status} ${r.code}`,
        `the internal listener received ${internal.received.length} request(s)` +
          (first ? `: ${first.method} ${first.path}` : ''),
      ],
    );
  } finally {
    await internal.close();
  }
}

/** An integrator turning the stack's callbacks against its own network (SSRF; 002 §2 R3). */
export const integratorScenarios: Scenario[] = [
  {
    id: 'callback-ssrf',
    label: 'insider',
    expect: { code: 'CALLBACK_URL_NOT_ALLOWED', outcome: 'BLOCKED' },
    title: "Integrator pointing callbacks at the stack's internal network",
    recommendations: ['R3'],
    masvs: 'MASVS-NETWORK-1, MASVS-CODE-4',
    seed: '002 §2 R3; 003 §Same Origin Policy',
    action:
      'with a valid integrator key, create a request to pay whose X-Callback-URL names a service on ' +
      "the stack's loopback that is not one of the integrator's registered callback origins, and have it paid",
    control:
      'the callback-origin check: an X-Callback-URL must be https (or loopback http) whose normalised origin ' +
      'is exactly one the integrator registered, at creation and again before every attempt',
    success: 'the transaction service PUTs the signed payment result to the internal listener',
    port: callbackOrigins,
    story:
      'Callbacks are requests the stack makes on behalf of an integrator, from inside its network. ' +
      'If any URL a request names were called, an integrator could make the stack reach internal ' +
      'services and cloud metadata addresses. The URL must fall under an origin registered for ' +
      'the integrator; anything else is refused before the request exists, so nothing is ever sent there.',
    run: callbackToInternal,
  },
];
