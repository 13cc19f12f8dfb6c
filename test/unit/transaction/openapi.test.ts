import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../../services/transaction/src/http/app.js';
import { httpHarness } from './http-harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The routes express actually serves, as "METHOD /path/{param}". */
function routesOf(app: Express): string[] {
  const stack = (
    app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  ).router.stack;
  return stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods)
            .filter((m) => METHODS.includes(m))
            .map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`)
        : [],
    )
    .sort();
}

describe('OpenAPI document', () => {
  let env: Awaited<ReturnType<typeof httpHarness>>;
  const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };
  beforeAll(async () => {
    env = await httpHarness();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect([result.valid, doc.openapi]).toEqual([true, '3.1.0']);
  });

  it('has exactly the paths and methods the express router serves', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(routesOf(env.app)).toEqual(documented);
  });

  it('is served at /openapi.json without an API key, byte for byte the file', async () => {
    const res = await env.call('/openapi.json', { key: null });
    expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'application/json']);
    expect(await res.text()).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });
});
