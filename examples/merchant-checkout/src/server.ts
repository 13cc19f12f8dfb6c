import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiRefused, type DfsApi } from './api.js';
import type { OrderBook } from './orders.js';
import { homePage, orderPage } from './pages.js';
import { SignatureRefused, type Verifier } from './verify.js';

/** What the merchant server needs: the DFS API, the verifier of signed bodies and its order book. */
export interface MerchantDeps {
  api: DfsApi;
  verify: Verifier;
  orders: OrderBook;
  /** This server's callback URL, sent as each request's X-Callback-URL (its origin registered for the integrator). */
  callbackUrl?: string;
}

/** The path DFS PUTs callbacks to (register the merchant's origin in the integrator's callbackOrigins). */
export const CALLBACK_PATH = '/dfs/callback';
const MAX_BODY = 16 * 1024;
const EVENT_ID = /^[A-Za-z0-9-]{8,64}$/;

class BadRequest extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new BadRequest('BODY_TOO_LARGE');
  }
  return body;
}

function parse(text: string, type: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = type?.startsWith('application/json')
      ? JSON.parse(text)
      : Object.fromEntries(new URLSearchParams(text));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new BadRequest('INVALID_BODY');
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
const html = (res: ServerResponse, body: string) =>
  res
    .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'" })
    .end(body);

/**
 * The merchant's HTTP handler: the shop and order pages, order creation (a DFS request to pay),
 * the verified poll fallback and the callback receiver (deduplicated by `X-Event-Id`, verified before use).
 */
export function merchantHandler(deps: MerchantDeps) {
  const seen = new Set<string>();
  const wantsJson = (req: IncomingMessage) => req.headers.accept?.includes('application/json') ?? false;

  async function createOrder(req: IncomingMessage, res: ServerResponse) {
    const form = parse(await readBody(req), req.headers['content-type']);
    const payer = String(form.payer ?? '');
    const amount = { minorUnits: String(form.amount ?? ''), currency: String(form.currency ?? 'KES') };
    const item = String(form.item ?? 'Coffee');
    const created = await deps.api.requestToPay(
      {
        amount: amount.minorUnits,
        currency: amount.currency,
        debitParty: [{ key: 'accountid', value: payer }],
        creditParty: [{ key: 'accountid', value: deps.orders.merchantAccount }],
        descriptionText: item.slice(0, 160),
      },
      deps.callbackUrl,
    );
    const order = deps.orders.add({ item, amount, payer, requestId: created.serverCorrelationId });
    if (wantsJson(req)) json(res, 201, order);
    else res.writeHead(303, { Location: `/orders/${order.id}` }).end();
  }

  async function callback(req: IncomingMessage, res: ServerResponse) {
    const eventId = req.headers['x-event-id'];
    if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw new BadRequest('EVENT_ID_MISSING');
    if (seen.has(eventId)) return json(res, 200, { duplicate: true });
    const body = parse(await readBody(req), 'application/json');
    if (typeof body.signed !== 'string') throw new BadRequest('INVALID_BODY');
    const settled = deps.orders.settle(await deps.verify(body.signed), 'callback');
    seen.add(eventId);
    json(res, 200, typeof settled === 'string' ? { settled: false, code: settled } : { settled: true });
  }

  async function check(id: string, req: IncomingMessage, res: ServerResponse) {
    const order = deps.orders.get(id);
    if (!order) return json(res, 404, { code: 'ORDER_NOT_FOUND' });
    if (order.state === 'PENDING') {
      const state = await deps.api.requestState(order.requestId);
      if (state.objectReference) {
        const tx = await deps.api.transaction(state.objectReference);
        deps.orders.settle(await deps.verify(tx.signed), 'poll');
      }
    }
    if (wantsJson(req)) json(res, 200, order);
    else res.writeHead(303, { Location: `/orders/${order.id}` }).end();
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://merchant').pathname;
    const m = /^\/orders\/([0-9a-f-]{36})(\.json|\/check)?$/.exec(path);
    if (req.method === 'GET' && path === '/') return html(res, homePage(deps.orders.list()));
    if (req.method === 'GET' && path === '/orders.json') return json(res, 200, deps.orders.list());
    if (req.method === 'POST' && path === '/orders') return createOrder(req, res);
    if ((req.method === 'POST' || req.method === 'PUT') && path === CALLBACK_PATH) return callback(req, res);
    if (m && req.method === 'POST' && m[2] === '/check') return check(m[1]!, req, res);
    if (m && req.method === 'GET') {
      const order = deps.orders.get(m[1]!);
      if (!order) return json(res, 404, { code: 'ORDER_NOT_FOUND' });
      return m[2] === '.json' ? json(res, 200, order) : html(res, orderPage(order));
    }
    json(res, 404, { code: 'NOT_FOUND' });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof SignatureRefused) return json(res, 401, { code: err.code });
      if (err instanceof BadRequest) return json(res, 400, { code: err.code });
      if (err instanceof ApiRefused) return json(res, err.status >= 500 ? 502 : err.status, { code: err.code });
      console.error('merchant: unexpected error', (err as Error).name);
      json(res, 500, { code: 'INTERNAL' });
    });
  };
}
