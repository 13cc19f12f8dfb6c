import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { z } from 'zod';
import { OPENAPI_FILE } from '../../services/transaction/src/http/app.js';

type Json = Record<string, unknown>;
const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: { schemas: Json; responses: Record<string, Json> };
};

/** The schema tree with component refs rewritten to `$defs`, which zod's JSON Schema reader resolves. */
const defs = JSON.parse(
  JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/'),
) as Json;

const templates = Object.keys(doc.paths).map((path) => ({
  path,
  re: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const cache = new Map<string, z.ZodType>();

function schemaFor(method: string, path: string, status: number): z.ZodType | null | undefined {
  const template = templates.find((t) => t.re.test(path))?.path;
  const op = template ? doc.paths[template]?.[method.toLowerCase()] : undefined;
  if (!template || !op) return undefined;
  const key = `${method} ${template} ${status}`;
  if (!cache.has(key)) {
    let response = op.responses[String(status)];
    if (!response) return null;
    const ref = response.$ref as string | undefined;
    if (ref) response = doc.components.responses[ref.split('/').pop()!]!;
    const content = response.content as Record<string, { schema: Json }> | undefined;
    const schema = content && Object.values(content)[0]?.schema;
    if (!schema) return undefined;
    const root = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema, $defs: defs };
    const text = JSON.stringify(root).replaceAll('"#/components/schemas/', '"#/$defs/');
    // zod reads no `not` but the empty one; the JWKS "no private part" rule is asserted by its own test
    const tree = JSON.parse(text, (k, v: unknown) => (k === 'not' ? undefined : v)) as never;
    cache.set(key, z.fromJSONSchema(tree));
  }
  return cache.get(key);
}

/**
 * Fails unless a response of a documented route has a documented status and a body matching the
 * OpenAPI schema of that status; responses of undocumented paths are not checked.
 */
export function expectConforms(method: string, url: string, status: number, body: string): void {
  const path = new URL(url, 'http://x').pathname;
  const schema = schemaFor(method, path, status);
  if (schema === undefined) return;
  expect(schema, `${method} ${path} answered an undocumented status ${status}`).not.toBeNull();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  const result = schema!.safeParse(parsed);
  expect(result.success ? [] : result.error.issues, `${method} ${path} ${status}: ${body.slice(0, 300)}`).toEqual([]);
}

/** The stable code a GSMA error body carries in its errorParameters (`code`). */
export function gsmaCode(body: unknown): string | undefined {
  const params = (body as { errorParameters?: { key: string; value: string }[] } | null)?.errorParameters;
  return params?.find((p) => p.key === 'code')?.value;
}
