import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camaraPost } from '../../kit/src/camara.js';
import type { DfsError } from '../../kit/src/errors.js';

/** Everything an error carries into a log line: message, detail, stack and its cause's. */
const logged = (e: DfsError) =>
  JSON.stringify({ m: e.message, d: e.detail, s: e.stack, c: String((e as { cause?: unknown }).cause ?? '') });

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as DfsError,
  );

/**
 * The operator's CAMARA client (kit/src/camara.ts): a failure is the caller's stable code with a detail
 * of its own words, never the underlying error's text, which may quote the bearer key or the answer.
 */
describe('camaraPost: failures keep neither the bearer key nor the answer text', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') res.setHeader('content-type', 'application/json').end('{"swapped":false}');
      else if (req.url === '/html') res.end('<html>SECRETBODY +254700123456</html>');
      else if (req.url === '/slow') setTimeout(() => res.end('{}'), 500);
      else res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"UNAVAILABLE","x":"SECRETBODY"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const api = (apiKey = 'k'.repeat(32), deadlineMs = 2_000) => ({ url, apiKey: () => apiKey, deadlineMs });

  it('answers a JSON 200', async () => {
    expect(await camaraPost(api(), '/ok', {}, 'SIM_SWAP_CHECK_UNAVAILABLE')).toEqual({
      status: 200,
      body: { swapped: false },
    });
  });

  it('a key no header may carry, a non-JSON answer, a 503, a late answer: the code, nothing quoted', async () => {
    const failures = await Promise.all([
      refusal(camaraPost(api('SECRETKEY\nx'.padEnd(40, 'y')), '/ok', {}, 'SIM_SWAP_CHECK_UNAVAILABLE')),
      refusal(camaraPost(api(), '/html', {}, 'SIM_SWAP_CHECK_UNAVAILABLE')),
      refusal(camaraPost(api(), '/down', {}, 'SIM_SWAP_CHECK_UNAVAILABLE')),
      refusal(camaraPost(api(undefined, 100), '/slow', {}, 'SIM_SWAP_CHECK_UNAVAILABLE')),
    ]);
    expect(failures.map((e) => e?.code)).toEqual(Array(4).fill('SIM_SWAP_CHECK_UNAVAILABLE'));
    for (const e of failures) expect(logged(e!)).not.toMatch(/SECRET|700123456/);
  });
});
