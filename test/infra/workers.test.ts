import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { WorkCounts } from '../../kit/src/work.js';
import { FREE_PORTS } from '../../cli/stack.js';
import { connectMongo } from '../../kit/src/mongo.js';
import { describeWithServer, dropDatabases, infraRequired, uniqueName } from '../contract/support/infra.js';

/** A port free at the time of asking (the one a listener on port 0 got). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/**
 * `dfs serve --workers 2` on the real store and bus: two processes run the stack on the same ports,
 * sharing the state directory's keys, the store and the bus. Phones enrolled and paying through
 * those ports reach both workers, and the ledger check of `dfs load` holds across them.
 */
describeWithServer('MONGODB_URI', 'dfs serve --workers 2 on one store and one bus', (uri) => {
  if (!process.env.KAFKA_BROKERS && infraRequired)
    it('needs KAFKA_BROKERS too', () => {
      throw new Error('KAFKA_BROKERS is not set');
    });
  if (!process.env.KAFKA_BROKERS) return;

  /** The store of one start, a database of its own: risk's documents are read there after the load. */
  const dbName = uniqueName('workers');
  const dbUri = Object.assign(new URL(uri), { pathname: `/${dbName}` }).href;
  afterAll(() => dropDatabases(uri, [dbName]));

  /**
   * The environment of `dfs serve --workers 2`: every port free (risk's HTTPS port chosen here, to ask it),
   * its own bus namespace, state, database and copy of the load rules.
   */
  const serveEnv = async (dir: string): Promise<NodeJS.ProcessEnv> => {
    copyFileSync('config/risk-rules.load.json', join(dir, 'risk-rules.json'));
    return {
      ...process.env,
      ...FREE_PORTS,
      RISK_HTTP_PORT: String(await freePort()),
      MONGODB_URI: dbUri,
      LOG_LEVEL: 'warn',
      RISK_DEADLINE_MS: '5000',
      RISK_RULES_FILE: join(dir, 'risk-rules.json'),
      // Not following the file: the SIGHUP below is what must reload it.
      RISK_RULES_CHECK_MS: '0',
      KAFKA_NAMESPACE: `workers-${Date.now().toString(36)}`,
      DFS_STATE_DIR: join(dir, 'state'),
    };
  };

  /** The id of the risk rules in force, asked on a new connection (so either worker may answer). */
  const rulesInForce = (env: NodeJS.ProcessEnv) =>
    new Promise<string>((resolve, reject) => {
      const state = env.DFS_STATE_DIR!;
      const token = readFileSync(join(state, 'keys', 'risk-operator.token'), 'utf8').trim();
      https
        .get(
          `https://127.0.0.1:${env.RISK_HTTP_PORT}/v1/rules`,
          {
            agent: false,
            ca: readFileSync(join(state, 'pki', 'ca.crt')),
            headers: { authorization: `Bearer ${token}` },
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve((JSON.parse(body) as { id: string }).id));
          },
        )
        .on('error', reject);
    });

  it('fails cleanly when a port the user set is taken, naming the variable', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-workers-'));
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const { port } = holder.address() as { port: number };
    try {
      const started = spawn(process.execPath, ['bin/dfs.mjs', 'serve', '--workers', '2'], {
        env: { ...(await serveEnv(dir)), TRANSACTION_GRPC_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      started.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      started.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => started.once('exit', r));
      expect(code).toBe(1);
      expect(out).not.toMatch(/^READY/m);
      // The worker's failure reaches the primary with its port: one line, the primary's, names the variable.
      expect(err.match(new RegExp(`port ${port} \\(TRANSACTION_GRPC_PORT\\)`, 'g'))).toHaveLength(1);
      expect(err.trim().split('\n').at(-1)).toContain(`port ${port} (TRANSACTION_GRPC_PORT)`);
      expect(err).not.toContain('starting them on new ports');
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('spreads the phones over both workers, and every payment posts once', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-workers-'));
    const env = await serveEnv(dir);
    // The primary chooses the free ports before its workers bind them, and chooses again if another
    // process takes one in between (test/unit/worker-ports.test.ts): no retry is needed here.
    let serve: ChildProcess | undefined;
    try {
      const started = spawn(process.execPath, ['bin/dfs.mjs', 'serve', '--workers', '2'], {
        env,
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      serve = started;
      const ready = await new Promise<Record<string, string | number>>((resolve, reject) => {
        let out = '';
        started.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^READY (.+)$/m.exec(out);
          if (m) resolve(JSON.parse(m[1]!) as Record<string, string | number>);
        });
        started.once('exit', (code) => reject(new Error(`dfs serve --workers 2 exited with ${code}`)));
      });
      const running = started;
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
      // Both workers' risk consumers learn from their own partitions and change the same payee and
      // device documents: once they have caught up, each posted payment is on its payee and device once.
      const conn = await connectMongo({ uri: dbUri, attempts: 1 });
      try {
        const learned = async (collection: string, filter: object) => {
          const docs = await conn.db!.collection<{ payments: unknown[] }>(collection).find(filter).toArray();
          return docs.reduce((n, d) => n + d.payments.length, 0);
        };
        const counts = async () => [
          await learned('risk_parties', { key: /^payee:/ }),
          await learned('risk_devices', {}),
        ];
        const deadline = Date.now() + 30_000;
        let seen = await counts();
        while (seen.some((n) => n < result.payments.posted) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          seen = await counts();
        }
        expect(seen).toEqual([result.payments.posted, result.payments.posted]);
      } finally {
        await conn.close();
      }
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

      // SIGHUP to the primary reloads the risk rules in every worker: each new connection to the shared
      // port, whichever worker takes it, answers the new rule set.
      const rules = JSON.parse(readFileSync(env.RISK_RULES_FILE!, 'utf8')) as { thresholds: { stepUp: number } };
      rules.thresholds.stepUp += 1;
      const text = JSON.stringify(rules);
      writeFileSync(env.RISK_RULES_FILE!, text);
      const newId = createHash('sha256').update(text).digest('hex').slice(0, 16);
      running.kill('SIGHUP');
      const ids = async () => Promise.all(Array.from({ length: 8 }, () => rulesInForce(env)));
      await expect.poll(ids, { timeout: 10_000 }).toEqual(Array(8).fill(newId));
      expect(running.exitCode).toBeNull();
      // Reloaded, not ended and started again: each worker still has the calls it served before.
      const after = await new Promise<{ workers: WorkCounts[] }>((resolve) => {
        running.once('message', (m) => resolve(m as { workers: WorkCounts[] }));
        running.send('work');
      });
      expect(after.workers.map((w, i) => w.grpcServed >= answer.workers[i]!.grpcServed)).toEqual([true, true]);
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
