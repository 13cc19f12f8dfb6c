import { spawn, type ChildProcess } from 'node:child_process';
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
    // The primary fixes free ports before its workers bind them; a test running beside this one can take
    // one in between (the worker then exits, port already in use), so a start that ends before READY is
    // tried again, at most twice, on newly chosen ports.
    let serve: ChildProcess | undefined;
    try {
      let ready: Record<string, string | number> | null = null;
      for (let attempt = 1; !ready; attempt++) {
        const started = spawn(process.execPath, ['bin/dfs.mjs', 'serve', '--workers', '2'], {
          env,
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        });
        serve = started;
        ready = await new Promise<Record<string, string | number> | null>((resolve, reject) => {
          let out = '';
          started.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /^READY (.+)$/m.exec(out);
            if (m) resolve(JSON.parse(m[1]!) as Record<string, string | number>);
          });
          started.once('exit', (code) =>
            attempt < 3 ? resolve(null) : reject(new Error(`dfs serve --workers 2 exited with ${code}`)),
          );
        });
      }
      const running = serve!;
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
        running.once('message', (m) => resolve(m as { work: WorkCounts; workers: WorkCounts[] }));
        running.send('work');
      });
      expect(answer.workers).toHaveLength(2);
      for (const w of answer.workers) expect(w.grpcServed).toBeGreaterThan(0);
      expect(answer.work.grpcServed).toBe(answer.workers[0]!.grpcServed + answer.workers[1]!.grpcServed);
      // Store commands by collection and command add up to the total, the ledger's inserts among them.
      const by = Object.values(answer.work.storeCommandsBy).reduce((a, b) => a + b, 0);
      expect(by).toBe(answer.work.storeCommands);
      expect(answer.work.storeCommandsBy['ledger_transfers insert']).toBeGreaterThan(0);
    } finally {
      if (serve && serve.exitCode === null && serve.signalCode === null) {
        const exited = new Promise((r) => serve!.once('exit', r));
        serve.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
