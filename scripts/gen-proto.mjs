#!/usr/bin/env node
// Generates TypeScript types from proto/ into gen/proto. With --check, fails
// when the checked-in files differ from a fresh generation (stale contracts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const target = join(root, 'gen', 'proto');
const out = check ? mkdtempSync(join(tmpdir(), 'dfs-gen-')) : target;
const protos = readdirSync(join(root, 'proto', 'dfs', 'v1'))
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `dfs/v1/${f}`);

if (!check) rmSync(target, { recursive: true, force: true });
execFileSync(
  join(root, 'node_modules', '.bin', 'proto-loader-gen-types'),
  [
    '--longs=String',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.js',
    '-I',
    'proto',
    '-O',
    out,
    ...protos,
  ],
  { stdio: 'inherit', cwd: root },
);

if (check) {
  const list = (base, dir = base) =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? list(base, p) : [relative(base, p)];
    });
  const read = (base, f) => {
    try {
      return readFileSync(join(base, f), 'utf8');
    } catch {
      return null;
    }
  };
  const fresh = list(out);
  let current = [];
  try {
    current = list(target);
  } catch {
    /* gen/proto missing: everything is stale */
  }
  const stale = [...new Set([...fresh, ...current])].filter((f) => read(out, f) !== read(target, f));
  rmSync(out, { recursive: true, force: true });
  if (stale.length) {
    console.error(`gen/proto is stale (run npm run gen:proto): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`gen/proto is up to date (${fresh.length} files)`);
}
