import { readFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../kit/src/errors.js';

describe('docs/ARCHITECTURE.md error-code table', () => {
  it('lists every code of the one table with its gRPC and HTTP status, and nothing else', () => {
    const doc = readFileSync('docs/ARCHITECTURE.md', 'utf8');
    const section = doc.slice(doc.indexOf('<!-- error-codes:start -->'), doc.indexOf('<!-- error-codes:end -->'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| ([A-Z_]+) \| (\d+) \|/gm)].map((m) => [
      m[1],
      m[2],
      Number(m[3]),
    ]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, s]) => [code, status[s.grpc], s.http]));
  });
});
