import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { WorkCounts } from '../../kit/src/work.js';
import { FREE_PORTS } from '../../cli/stack.js';
import { describeWithServer, infraRequired } from '../contract/support/infra.js';

/**
 * `dfs serve --workers 2` on the real store and bus: two processes run the stack on the same ports,
 * sharing the state directory's keys, the store and the bus. Phones enrolled and paying through
 * those ports reach both workers, and the ledger check of `dfs load` holds across them.
 */
describeWithServer('MONGODB_URI', 'dfs serve --workers 2 on one store and one bus', () => {
  if (!process.env.KAFKA_BROKERS && infraRequired)
    it('needs KAFKA_BROKERS too', () => {
      throw new Error('KAFKA_BROKERS is not set');
    });
  if (!process.env.KAFKA_BROKERS) return;

  it('spreads the phones over both workers, and every payment posts once', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-workers-'));
    const env = {
      ...process.env,
      ...FREE_PORTS,
      LOG_LEVEL: 'warn',
      RISK_DEADLINE_MS: '5000',
      RISK_RULES_FILE: 'config/risk-rules.load.json',
      KAFKA_NAMESPACE: `workers-${Date.now().toString(36)}`,
      DFS_STATE_DIR: join(dir, 'state'),
    };
    const serve = spawn(process.execPath, ['bin/dfs.mjs', 'serve', '--workers', '2'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    try {
      const ready = await new Promise<Record<string, string | number>>((resolve, reject) => {
        let out = '';
        serve.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^READY (.+)$/m.exec(out);
          if (m) resolve(JSON.parse(m[1]!) as Record<string, string | number>);
        });
        serve.once('exit', (code) => reject(new Error(`dfs serve --workers 2 exited with ${code}`)));
      });
      expect(ready.workers).toBe(2);
      const report = join(dir, 'load.json');
      const load = spawn(
        process.execPath,
        [
          'bin/dfs.mjs',
          'load',
          '--devices',
          '8',
          '--concurrency',
          '8',
          '--duration',
          '4',
          '--echo-seconds',
          '1',
          '--json',
          report,
        ],
        {
          env: {
            ...env,
            ATTESTATION_ADDR: String(ready.attestationAddr),
            TRANSACTION_ADDR: String(ready.transactionAddr),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      const code = await new Promise<number | null>((r) => load.once('exit', r));
      expect(code).toBe(0);
      const result = JSON.parse(readFileSync(report, 'utf8')) as {
        payments: { posted: number; attempted: number };
        invariants: { ok: boolean; lost: number; duplicated: number };
      };
      expect(result.invariants).toMatchObject({ ok: true, lost: 0, duplicated: 0 });
      expect(result.payments.posted).toBeGreaterThan(0);
      const answer = await new Promise<{ work: WorkCounts; workers: WorkCounts[] }>((resolve) => {
        serve.once('message', (m) => resolve(m as { work: WorkCounts; workers: WorkCounts[] }));
        serve.send('work');
      });
      expect(answer.workers).toHaveLength(2);
      for (const w of answer.workers) expect(w.grpcServed).toBeGreaterThan(0);
      expect(answer.work.grpcServed).toBe(answer.workers[0]!.grpcServed + answer.workers[1]!.grpcServed);
      // Store commands by collection and command add up to the total, the ledger's inserts among them.
      const by = Object.values(answer.work.storeCommandsBy).reduce((a, b) => a + b, 0);
      expect(by).toBe(answer.work.storeCommands);
      expect(answer.work.storeCommandsBy['ledger_transfers insert']).toBeGreaterThan(0);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((r) => serve.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
