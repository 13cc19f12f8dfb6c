import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'dfs-lockfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const real = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, Record<string, unknown>>;
};
const integrity = 'sha512-' + Buffer.alloc(64, 7).toString('base64');

/** The real lockfile with one planted entry, written as a fixture file. */
function planted(name: string, entry: Record<string, unknown>): string {
  const lock = structuredClone(real);
  lock.packages[`node_modules/${name}`] = { version: '1.0.0', license: 'MIT', ...entry };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(lock, null, 2));
  return file;
}

function check(file?: string) {
  const r = spawnSync(process.execPath, ['scripts/check-lockfile.mjs', ...(file ? [file] : [])], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('lockfile check (CI step "supply chain", docs/SECURITY.md; seed 002 R4)', () => {
  it('passes on the committed lockfile', () => {
    const r = check();
    expect(r.out).toContain('lockfile check passed');
    expect(r.status).toBe(0);
  });

  it('passes on a planted entry that is well formed (the fixture itself is sound)', () => {
    const r = check(
      planted('left-pad', { resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.0.0.tgz', integrity }),
    );
    expect(r.status).toBe(0);
  });

  it('fails on a planted entry without an integrity hash', () => {
    const r = check(planted('left-pad', {}));
    expect(r.status).toBe(1);
    expect(r.out).toContain('node_modules/left-pad: no sha512 integrity hash');
  });

  it('fails on a planted entry resolved from another host', () => {
    const r = check(
      planted('left-pad', { resolved: 'https://registry.attacker.example/left-pad/-/left-pad-1.0.0.tgz', integrity }),
    );
    expect(r.status).toBe(1);
    expect(r.out).toContain('registry.attacker.example');
  });

  it('fails on a planted entry fetched over plain http', () => {
    const r = check(
      planted('left-pad', { resolved: 'http://registry.npmjs.org/left-pad/-/left-pad-1.0.0.tgz', integrity }),
    );
    expect(r.status).toBe(1);
    expect(r.out).toContain('http:');
  });

  it('fails on a planted entry with a sha1 integrity hash', () => {
    const r = check(planted('left-pad', { integrity: 'sha1-' + Buffer.alloc(20, 1).toString('base64') }));
    expect(r.status).toBe(1);
    expect(r.out).toContain('no sha512 integrity hash');
  });
});
