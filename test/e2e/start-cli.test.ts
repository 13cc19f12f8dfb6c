import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustCaForFetch } from '../../kit/src/tls-policy.js';
import { cliEnv } from '../support/stack.js';
import { describe, expect, it } from 'vitest';

describe('dfs start (the README run command)', () => {
  it('serves after the demo payment, answers /readyz, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'dfs-start-'));
    const env = cliEnv(stateDir);
    const child = spawn(process.execPath, ['bin/dfs.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain('Serving.');
      expect(out).toMatch(/Result: POSTED/);
      expect(out).toMatch(/PIN: \*{4}/);
      const ready = /transaction\s+gRPC \S+\s+HTTPS (https:\/\/\S+\/readyz)/.exec(out)?.[1];
      trustCaForFetch(readFileSync(join(stateDir, 'pki', 'ca.crt')));
      expect(out).not.toContain('DFS_DEV_PLAIN_HTTP');
      expect((await fetch(ready!)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Stopped cleanly.');
    } finally {
      child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('with DFS_DEV_PLAIN_HTTP=1 serves plain HTTP and warns, on stdout and in the log of every HTTP edge', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'dfs-start-plain-'));
    const env: NodeJS.ProcessEnv = { ...cliEnv(stateDir), DFS_DEV_PLAIN_HTTP: '1' };
    delete env.LOG_LEVEL;
    const child = spawn(process.execPath, ['bin/dfs.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    try {
      await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain('Serving.');
      expect(out).toContain('WARNING: DFS_DEV_PLAIN_HTTP=1');
      const ready = /transaction\s+gRPC \S+\s+HTTP (http:\/\/\S+\/readyz)/.exec(out)?.[1];
      expect((await fetch(ready!)).status).toBe(200);
      const warned = err
        .split('\n')
        .filter((l) => l.includes('"level":40') && l.includes('DFS_DEV_PLAIN_HTTP=1'))
        .map((l) => (JSON.parse(l) as { service: string }).service);
      expect(warned.sort()).toEqual(['attestation', 'console', 'mno', 'risk', 'transaction']);
    } finally {
      child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});
