import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DfsError } from '../../kit/src/errors.js';
import { finishHttpApp, listen } from '../../kit/src/http.js';
import { gsmaCode } from '../support/openapi-conformance.js';
import { httpHarness } from './transaction/http-harness.js';

const MSISDN = '+254700123456';
const WALLET = 'wallet-9f3a61c2';

/** A logger whose lines the test reads back, each as parsed JSON and as its raw text. */
function capture() {
  const lines: { json: Record<string, unknown>; raw: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const raw of chunk.toString().split('\n').filter(Boolean))
        lines.push({ json: JSON.parse(raw) as Record<string, unknown>, raw });
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/**
 * A request that fails on the server is logged by the route it matched, never by its concrete path:
 * paths carry MSISDNs and wallet ids, which logs must not hold.
 */
describe('5xx log lines name the route template, not the path', () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('kit edge: a handler that throws on /v1/wallets/:id logs the template and neither id', async () => {
    const { log, lines } = capture();
    const app = express();
    app.get('/v1/wallets/:id/msisdn/:msisdn', () => {
      throw new Error('store down');
    });
    finishHttpApp(app, log);
    const { server, port } = await listen(app, '127.0.0.1', 0);
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const res = await fetch(`http://127.0.0.1:${port}/v1/wallets/${WALLET}/msisdn/${encodeURIComponent(MSISDN)}`);
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([500, 'INTERNAL']);
    const failed = lines.filter((l) => l.json.msg === 'http request failed');
    expect(failed.map((l) => l.json.route)).toEqual(['/v1/wallets/:id/msisdn/:msisdn']);
    expect(failed[0]!.raw).not.toContain('254700123456');
    expect(failed[0]!.raw).not.toContain(WALLET);
  });

  it('kit edge: a path parameter that does not decode is 400 INVALID_ARGUMENT, nothing logged quotes it', async () => {
    const { log, lines } = capture();
    const app = express();
    app.post('/v1/lines/:msisdn/swap', (_req, res) => {
      res.json({ ok: true });
    });
    finishHttpApp(app, log);
    const { server, port } = await listen(app, '127.0.0.1', 0);
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const res = await fetch(`http://127.0.0.1:${port}/v1/lines/%2B254700123456%E0%A4%A/swap`, { method: 'POST' });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(lines.map((l) => l.raw).join('\n')).not.toContain('254700123456');
  });

  it('integrator API: an MSISDN balance read, operator down (503), logs the template, not the number', async () => {
    const { log, lines } = capture();
    const env = await httpHarness({
      log,
      observed: true,
      resolveNumber: async () => {
        throw new DfsError('NUMBER_VERIFICATION_UNAVAILABLE', 'operator timed out');
      },
    });
    closers.push(env.close);
    const path = `/v1.2/mm/accounts/msisdn/${encodeURIComponent(MSISDN)}/balance`;
    const res = await env.call(path);
    expect([res.status, gsmaCode(await res.json())]).toEqual([503, 'NUMBER_VERIFICATION_UNAVAILABLE']);
    const failed = lines.filter((l) => l.json.msg === 'http request failed');
    const template = '/v1.2/mm/accounts/:identifierType/:identifier/balance';
    expect(failed.map((l) => l.json.route)).toEqual([template]);
    // The access log line and the route metric name it the same way: the base path once.
    await expect.poll(() => lines.filter((l) => l.json.res !== undefined).map((l) => l.json.route)).toEqual([template]);
    const metrics = await (await fetch(`${env.base}/metrics`)).text();
    expect(metrics).toContain(`route="${template}"`);
    expect(metrics).not.toContain('/v1.2/mm/v1.2/mm');
    expect(lines.map((l) => l.raw).join('\n')).not.toContain('254700123456');
  });
});
