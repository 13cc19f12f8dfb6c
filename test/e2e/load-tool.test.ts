import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliEnv } from '../support/stack.js';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('dfs load on a tiny run', () => {
  it('enrolls, pays, checks the ledger and writes a report with every field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-load-'));
    try {
      const env = cliEnv(join(dir, 'state'));
      const out = join(dir, 'out.json');
      const html = join(dir, 'out.html');
      await run(
        process.execPath,
        [
          'bin/dfs.mjs',
          'load',
          '--devices',
          '5',
          '--rate',
          '20',
          '--duration',
          '2',
          '--echo-seconds',
          '1',
          '--json',
          out,
          '--html',
          html,
        ],
        { env, timeout: 90_000 },
      );
      const r = JSON.parse(readFileSync(out, 'utf8'));
      expect(r.devices).toBe(5);
      expect(r.durationSec).toBe(2);
      expect(r.payments.attempted).toBeGreaterThan(20);
      expect(r.payments.posted + r.payments.declined + r.payments.failed).toBe(r.payments.attempted);
      expect(r.throughputPerSec).toBeGreaterThan(0);
      for (const k of ['p50', 'p95', 'p99', 'max']) expect(typeof r.latencyMs[k]).toBe('number');
      expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p99);
      expect(r.ceiling.echoPerSec).toBeGreaterThan(0);
      for (const cpu of [r.cpuUsPerPayment, r.ceiling.cpuUsPerCall]) {
        expect(cpu.generator).toBeGreaterThan(0);
        expect(cpu.embeddedStack).toBeGreaterThan(0);
      }
      const stack = r.workPerPayment.embeddedStack;
      expect(stack.storeCalls).toBeGreaterThan(1);
      expect(stack.busSends).toBeGreaterThan(0);
      expect(stack.grpcServed).toBeGreaterThanOrEqual(1);
      expect(stack.grpcMade).toBeGreaterThanOrEqual(1);
      expect(r.workPerPayment.generator.grpcMade).toBeGreaterThanOrEqual(1);
      expect(r.invariants).toMatchObject({ balancesConserved: true, lost: 0, duplicated: 0, unknown: 0 });
      expect(r.payments.settledAfterRun).toBe(0);
      expect(readFileSync(html, 'utf8')).toContain('<svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
