import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliEnv } from '../support/stack.js';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('dfs demo --json (issue acceptance: the README run command without staying up)', () => {
  it('exits 0 and ends with one JSON object describing a posted payment', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'dfs-demo-'));
    try {
      const env = cliEnv(stateDir);
      const { stdout } = await run(process.execPath, ['bin/dfs.mjs', 'demo', '--json'], { env, timeout: 60_000 });
      const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(last).toMatchObject({ enrolled: true, status: 'POSTED', amount: '1250', currency: 'KES', tier: 'HIGH' });
      expect(last.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits non-zero with a message naming the variable when the configuration is bad', async () => {
    const err = await run(process.execPath, ['bin/dfs.mjs', 'demo', '--json'], {
      env: { ...process.env, RISK_GRPC_PORT: 'not-a-port' },
      timeout: 60_000,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('RISK_GRPC_PORT');
  }, 60_000);
});
