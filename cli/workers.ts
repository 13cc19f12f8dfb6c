import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { ensureDevPki } from '../kit/src/pki.js';
import { sumWork, type WorkCounts } from '../kit/src/work.js';
import { CliFailure, portInUse, UsageError } from './failure.js';
import { PORT_VARS } from './stack.js';

/** The addresses one `dfs serve` prints after READY. */
export type ReadyAddresses = Record<string, string>;

/**
 * What a worker tells the primary: its addresses once serving, its work counters when asked, or the
 * port it could not bind because something else holds it (just before it exits).
 */
type WorkerMessage = { ready: ReadyAddresses } | { work: WorkCounts } | { portTaken: number };

/** How many times the primary chooses new free ports when one it chose was taken before a worker bound it. */
const PORT_TRIES = 3;

/** True in a worker process of `dfs serve --workers N`. */
export const isWorker = () => cluster.isWorker;

/** The index of this worker (0 in a single-process stack): only worker 0 runs the MNO and FOTA simulators. */
export const workerIndex = () => Number(process.env.DFS_WORKER_INDEX ?? 0);

/** A free TCP port on 127.0.0.1, chosen now (the workers must all listen on the same ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A worker's EADDRINUSE failure, as the primary sees it: `portInUse` reads its port, for the retry and
 * for the user's message naming the variable that set it.
 */
function portTakenError(port: number, worker: number): Error {
  return Object.assign(new Error(`worker ${worker} could not bind port ${port}: already in use`), {
    code: 'EADDRINUSE',
    port,
  });
}

/**
 * Fixes every port the workers will bind: a variable set to 0 gets a free port chosen now (listed
 * in `chosen`), one set to a number keeps it, an unset one is left to the service's default.
 */
export async function choosePorts(
  env: NodeJS.ProcessEnv,
  pick: () => Promise<number>,
): Promise<{ ports: Record<string, string>; chosen: Set<number> }> {
  const ports: Record<string, string> = {};
  const chosen = new Set<number>();
  for (const v of PORT_VARS) {
    const set = env[v];
    if (!set) continue;
    if (set !== '0') ports[v] = set;
    else {
      const port = await pick();
      chosen.add(port);
      ports[v] = String(port);
    }
  }
  return { ports, chosen };
}

/**
 * Starts the workers on ports fixed by `choosePorts`. A port chosen free can be taken by another
 * process before a worker binds it (the primary cannot hold it open: the workers' listening sockets
 * are created by the cluster module in this same process); when a start fails on such a port, new
 * ports are chosen and the start is tried again, at most `tries` times in all. A port the user set
 * that is taken fails at once.
 */
export async function startOnChosenPorts<T>(
  env: NodeJS.ProcessEnv,
  start: (ports: Record<string, string>) => Promise<T>,
  opts: { pick?: () => Promise<number>; say?: (line: string) => void; tries?: number } = {},
): Promise<T> {
  const { pick = freePort, say = (line: string) => console.error(line), tries = PORT_TRIES } = opts;
  for (let attempt = 1; ; attempt++) {
    const { ports, chosen } = await choosePorts(env, pick);
    try {
      return await start(ports);
    } catch (err) {
      const port = portInUse(err);
      if (port === undefined || !chosen.has(port) || attempt >= tries) throw err;
      say(`dfs: port ${port}, chosen free, was taken before the workers bound it; starting them on new ports`);
    }
  }
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

/** Sends SIGTERM to every worker still running and resolves when they have all exited. */
function stopAll(all: Worker[]): Promise<unknown> {
  return Promise.all(
    all.map((w) =>
      w.isDead()
        ? undefined
        : new Promise((exited) => {
            w.once('exit', exited);
            w.process.kill('SIGTERM');
          }),
    ),
  );
}

/**
 * In a worker whose start failed on a taken port: tells the primary which one (the primary reports
 * it, or chooses new ports) and answers true; false for any other failure or outside a worker.
 */
export async function tellPortTaken(err: unknown): Promise<boolean> {
  const port = portInUse(err);
  if (!cluster.isWorker || port === undefined) return false;
  await new Promise<void>((sent) => process.send!({ portTaken: port } satisfies WorkerMessage, () => sent()));
  return true;
}

/** Resolves with a worker's addresses once it serves; rejects if it exits first (naming a taken port). */
function whenReady(w: Worker, i: number): Promise<ReadyAddresses> {
  return new Promise((resolve, reject) => {
    let taken: number | undefined;
    w.on('message', (m: WorkerMessage) => {
      if ('ready' in m) resolve(m.ready);
      if ('portTaken' in m) taken = m.portTaken;
    });
    w.once('exit', (code) => {
      // The worker's last message can still be on its channel when its exit is seen.
      const fail = () =>
        reject(
          taken !== undefined
            ? portTakenError(taken, i)
            : new CliFailure(`worker ${i} exited with ${code} before it was ready`),
        );
      if (w.isConnected()) w.once('disconnect', fail);
      else fail();
    });
  });
}

/**
 * `dfs serve --workers N`, the primary: creates the dev PKI once, fixes every port the services will
 * bind (a port of 0 becomes a free port chosen now, chosen again if another process takes it first),
 * and forks N workers that each run the stack on those same ports; the operating system's listening
 * sockets are shared, so connections are spread over the workers. The workers share the signing keys
 * (the state directory), the store and the bus. It prints one READY line when every worker serves,
 * answers work queries with the sum and each worker's counters, passes SIGHUP on to every worker, and
 * stops them all on SIGINT/SIGTERM.
 */
export async function superviseWorkers(stateDir: string, workers: number): Promise<void> {
  checkWorkersEnv(workers);
  // SIGHUP asks each service to reload what it reloads on it (risk: its rule file): every worker gets it,
  // and the primary, which has no service of its own, does not end on it, not even while starting.
  let forward: () => void = () => {};
  process.on('SIGHUP', () => forward());
  await ensureDevPki(stateDir);
  let stopping = false;
  const { ready, all, fork } = await startOnChosenPorts(process.env, async (ports) => {
    const fork = (i: number) => cluster.fork({ ...ports, DFS_STATE_DIR: stateDir, DFS_WORKER_INDEX: String(i) });
    const all = Array.from({ length: workers }, (_, i) => fork(i));
    try {
      return { ready: await Promise.all(all.map(whenReady)), all, fork };
    } catch (err) {
      await stopAll(all);
      throw err;
    }
  });
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    const i = all.indexOf(w);
    console.error(`dfs: worker ${i} exited (${signal ?? code}); starting it again`);
    all[i] = fork(i);
  });
  forward = () => {
    for (const w of all) w.process.kill('SIGHUP');
  };
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
    void stopAll(all).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
