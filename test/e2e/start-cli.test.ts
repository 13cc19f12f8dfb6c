import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PORTS = ['ATTESTATION_GRPC_PORT', 'ATTESTATION_HTTP_PORT', 'TRANSACTION_GRPC_PORT', 'TRANSACTION_HTTP_PORT', 'RISK_GRPC_PORT', 'RISK_HTTP_PORT'];

describe('dfs start (the README run command)', () => {
  it('serves after the demo payment, answers /readyz, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'dfs-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DFS_STATE_DIR: stateDir, ...Object.fromEntries(PORTS.map((p) => [p, '0'])) };
    delete env.ATTESTATION_ADDR;
    delete env.TRANSACTION_ADDR;
    const child = spawn(process.execPath, ['bin/dfs.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain('Serving.');
      expect(out).toMatch(/Result: POSTED/);
      expect(out).toMatch(/PIN: \*{4}/);
      const ready = /transaction\s+gRPC \S+\s+HTTP (http:\/\/\S+\/readyz)/.exec(out)?.[1];
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
});
