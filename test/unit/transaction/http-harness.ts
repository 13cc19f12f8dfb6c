import { expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '../../../kit/src/http.js';
import { createLogger, type Logger } from '../../../kit/src/log.js';
import { createMetrics } from '../../../kit/src/metrics.js';
import { journalAudit } from '../../../services/transaction/src/domain/journal-audit.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { accessTokens } from '../../../services/transaction/src/domain/access-tokens.js';
import { transactionHttp } from '../../../services/transaction/src/http/app.js';
import { loadIntegrators } from '../../../services/transaction/src/http/integrators.js';
import type { NumberResolver } from '../../../services/transaction/src/http/gsma-input.js';
import { expectConforms } from '../../support/openapi-conformance.js';
import { harness } from './harness.js';

export const KEY_A = 'key-a-0123456789abcdefghijklmnopqrstuv';
export const KEY_B = 'key-b-0123456789abcdefghijklmnopqrstuv';
export const OPERATOR_TOKEN = 'operator-token-0123456789abcdefghijklmnop';

/** The transaction HTTP edge over the domain harness, listening on loopback, with two integrators. */
export async function httpHarness(
  opts: {
    rate?: { perSec: number; burst: number };
    callbackUrl?: string;
    callbackOrigins?: string[];
    /** The request types shop-a may create beside merchantpay (e.g. transfer). */
    types?: string[];
    /** Replaces the access-token strategy (a sabotage run injects a weaker one). */
    accessTokens?: typeof accessTokens;
    /** The edge's logger (default: silent). */
    log?: Logger;
    /** How a GSMA `msisdn` party is resolved (default: that identifier type is not offered). */
    resolveNumber?: NumberResolver;
    /** Access logs, spans and route metrics on the edge's logger, as the running service has them. */
    observed?: boolean;
  } = {},
) {
  const h = await harness();
  const dir = mkdtempSync(join(tmpdir(), 'dfs-int-'));
  const file = join(dir, 'integrators.json');
  writeFileSync(
    file,
    JSON.stringify({
      integrators: [
        {
          id: 'shop-a',
          apiKey: KEY_A,
          accounts: ['shop-a-*'],
          ...(opts.callbackUrl ? { callbackUrl: opts.callbackUrl } : {}),
          ...(opts.callbackOrigins ? { callbackOrigins: opts.callbackOrigins } : {}),
          ...(opts.types ? { types: opts.types } : {}),
        },
        { id: 'shop-b', apiKey: KEY_B, accounts: ['shop-b-till'] },
      ],
    }),
  );
  const integrators = loadIntegrators(file);
  const ready = { ok: true };
  /** The health of a dependency of payments and callbacks (the risk service, the relay) the heartbeat reads. */
  const dependency = { ok: true as boolean | Error };
  const log = opts.log ?? createLogger('test', 'silent');
  const audit = journalAudit({ store: h.store, key: h.deps.resultKey, log, now: h.deps.now });
  const tokenKey = (await generateSigningKey()).key;
  const app = transactionHttp({
    ...h.deps,
    integrators,
    accessTokens: (opts.accessTokens ?? accessTokens)(() => tokenKey, integrators, 300, h.deps.now),
    rate: opts.rate ?? { perSec: 1000, burst: 1000 },
    ready: () => ready.ok,
    dependencies: [
      () => {
        if (dependency.ok instanceof Error) throw dependency.ok;
        return dependency.ok;
      },
    ],
    log,
    audit,
    operatorToken: OPERATOR_TOKEN,
    ...(opts.resolveNumber ? { resolveNumber: opts.resolveNumber } : {}),
    ...(opts.observed ? { obs: { service: 'transaction', metrics: createMetrics('transaction'), log } } : {}),
  });
  const { server, port } = await listen(app, '127.0.0.1', 0);
  const base = `http://127.0.0.1:${port}`;
  const call = (
    path: string,
    init: RequestInit & { key?: string | null; bearer?: string; json?: unknown; correlationId?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.bearer !== undefined) headers.Authorization = `Bearer ${init.bearer}`;
    else if (init.key !== null) headers['X-API-Key'] = init.key ?? KEY_A;
    if (init.correlationId) headers['X-CorrelationID'] = init.correlationId;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(`${base}${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    }).then(async (res) => {
      const text = await res.clone().text();
      expectNoPayerSide(text);
      expectConforms(init.method ?? 'GET', path, res.status, text);
      return res;
    });
  };
  return {
    h,
    app,
    ready,
    dependency,
    audit,
    base,
    call,
    integrators,
    tokenKey,
    file,
    close: () => new Promise<void>((r) => (server as Server).close(() => r())),
  };
}

/** What an integrator must never see of the payer's side: balance, risk internals, the phone's payment keys. */
const PAYER_SIDE = ['payerBalance', 'risk', 'ruleIds', 'idempotencyKey', 'requestHash', 'challenge'];

/**
 * Fails when a body an integrator receives (a REST response or a callback) carries any of the payer's
 * side, in its fields or in the payload of the JWS it carries.
 */
export function expectNoPayerSide(body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  const signed = (parsed as { signed?: unknown } | null)?.signed;
  const payload =
    typeof signed === 'string' ? JSON.parse(Buffer.from(signed.split('.')[1] ?? '', 'base64url').toString()) : {};
  for (const doc of [parsed, payload])
    for (const key of PAYER_SIDE) expect(JSON.stringify(doc)).not.toContain(`"${key}"`);
}
