import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttp, createHttpApp, finishHttpApp, listen } from '../../kit/src/http.js';
import { createLogger } from '../../kit/src/log.js';

/** Every HTTP edge parses bodies through kit/src/http.ts: what it answers to bodies it cannot read. */
describe('request bodies the parser refuses get a stable code, never a 500, and the server keeps serving', () => {
  let url = '';
  let close = async () => {};
  beforeAll(async () => {
    const app = createHttpApp(() => true);
    app.post('/echo', (req, res) => {
      res.json({ got: req.body as unknown });
    });
    finishHttpApp(app, createLogger('test', 'silent'));
    const { server, port } = await listen(app, '127.0.0.1', 0);
    url = `http://127.0.0.1:${port}/echo`;
    close = () => closeHttp(server);
  });
  afterAll(() => close());

  const post = async (headers: Record<string, string>, body: string | Buffer) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });
    return [res.status, ((await res.json()) as { code?: string }).code ?? 'ok'];
  };

  it.each([
    [
      'an unknown Content-Encoding',
      { 'content-encoding': 'x-unknown' },
      '{"a":1}',
      415,
      'REQUEST_ENCODING_UNSUPPORTED',
    ],
    ['a gzip header on a plain body', { 'content-encoding': 'gzip' }, '{"a":1}', 400, 'INVALID_ARGUMENT'],
    [
      'an unknown charset',
      { 'content-type': 'application/json; charset=klingon' },
      '{}',
      415,
      'REQUEST_ENCODING_UNSUPPORTED',
    ],
    ['truncated JSON', {}, '{"a":', 400, 'INVALID_ARGUMENT'],
    ['a body over the limit', {}, JSON.stringify({ a: 'x'.repeat(2_000_000) }), 413, 'REQUEST_TOO_LARGE'],
  ])('%s', async (_name, headers, body, status, code) => {
    expect(await post(headers, body)).toEqual([status, code]);
    expect(await post({ 'content-encoding': 'gzip' }, gzipSync('{"a":1}'))).toEqual([200, 'ok']);
  });
});
