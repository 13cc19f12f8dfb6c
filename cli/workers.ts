import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { ensureDevPki } from '../kit/src/pki.js';
import { sumWork, type WorkCounts } from '../kit/src/work.js';
import { CliFailure, UsageError } from './failure.js';
import { PORT_VARS } from './stack.js';

/** The addresses one `dfs serve` prints after READY. */
export type ReadyAddresses = Record<string, string>;

/** What a worker tells the primary: its addresses once serving, its work counters when asked. */
type WorkerMessage = { ready: ReadyAddresses } | { work: WorkCounts };

/** True in a worker process of `dfs serve --workers N`. */
export const isWorker = () => cluster.isWorker;

/** The index of this worker (0 in a single-process stack): only worker 0 runs the MNO and FOTA simulators. */
export const workerIndex = () => Number(process.env.DFS_WORKER_INDEX ?? 0);

/** A free TCP port on 127.0.0.1, chosen now (the workers must all listen on the same ports). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Checks that N workers can share state: the store and the bus must be real servers (not per-process memory). */
export function checkWorkersEnv(workers: number, env: NodeJS.ProcessEnv = process.env): void {
  if (workers > 1 && (!env.MONGODB_URI || !env.KAFKA_BROKERS))
    throw new UsageError(
      `--workers ${workers} needs MONGODB_URI and KAFKA_BROKERS: the workers share one store and one event bus ` +
        '(the embedded in-memory default cannot be shared)',
    );
}

function ask(worker: Worker): Promise<WorkCounts | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), 2000);
    const onMessage = (m: WorkerMessage) => {
      if ('work' in m) done(m.work);
    };
    const done = (w: WorkCounts | null) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(w);
    };
    worker.on('message', onMessage);
    worker.send('work');
  });
}

/**
 * `dfs serve --workers N`, the primary: creates the dev PKI once, fixes every port the services will
 * bind (a port of 0 becomes a free port chosen now), and forks N workers that each run the stack
 * on those same ports; the operating system's listening sockets are shared, so connections are
 * spread over the workers. The workers share the signing keys (the state directory), the store and
 * the bus. It prints one READY line when every worker serves, answers work queries with the sum
 * and each worker's counters, and stops them all on SIGINT/SIGTERM.
 */
export async function superviseWorkers(stateDir: string, workers: number): Promise<void> {
  checkWorkersEnv(workers);
  await ensureDevPki(stateDir);
  const ports: Record<string, string> = {};
  for (const v of PORT_VARS) {
    const set = process.env[v];
    ports[v] = set && set !== '0' ? set : set === '0' ? String(await freePort()) : '';
    if (!ports[v]) delete ports[v];
  }
  let stopping = false;
  const fork = (i: number) => cluster.fork({ ...ports, DFS_STATE_DIR: stateDir, DFS_WORKER_INDEX: String(i) });
  const all = Array.from({ length: workers }, (_, i) => fork(i));
  const ready = await Promise.all(
    all.map(
      (w, i) =>
        new Promise<ReadyAddresses>((resolve, reject) => {
          w.on('message', (m: WorkerMessage) => 'ready' in m && resolve(m.ready));
          w.once('exit', (code) => reject(new CliFailure(`worker ${i} exited with ${code} before it was ready`)));
        }),
    ),
  ).catch((err: unknown) => {
    stopping = true;
    for (const w of all) w.process.kill('SIGTERM');
    throw err;
  });
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    const i = all.indexOf(w);
    console.error(`dfs: worker ${i} exited (${signal ?? code}); starting it again`);
    all[i] = fork(i);
  });
  console.log(`READY ${JSON.stringify({ ...ready[0], workers })}`);
  if (process.send)
    process.on('message', (m) => {
      if (m !== 'work') return;
      void Promise.all(all.map(ask)).then((each) => {
        const counts = each.filter((w): w is WorkCounts => w !== null);
        process.send?.({ work: sumWork(counts), workers: counts });
      });
    });
  process.channel?.unref();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    let left = all.length;
    for (const w of all) {
      w.once('exit', () => --left === 0 && process.exit(0));
      w.process.kill('SIGTERM');
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
