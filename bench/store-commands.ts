import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connectMongo, redactUri } from '../kit/src/mongo.js';

/**
 * Benchmark (not a test): what one store command costs the machine, the client (this process,
 * through the same mongoose connection options as the services) and the server (its process's CPU
 * from /proc), 16 commands in flight, for the kinds of command a payment sends. Prints commands/s and
 * CPU µs per statement, and how many commands per second two cores could serve doing nothing else.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:<port>/ npm run bench:store
 *
 * The server's pid comes from BENCH_SERVER_PID, else from scripts/infra.sh's pid file
 * ($DFS_INFRA_CACHE/run/mongo.pid, default .cache/infra/run/mongo.pid); without one only the
 * client's CPU is printed. The server's CPU while idle, measured for a second first, is taken off
 * each measurement.
 */
const uri = process.env.MONGODB_URI;
if (!uri) {
  console.error('bench:store needs MONGODB_URI (e.g. after `bash scripts/infra.sh start && . .cache/infra/run/env`)');
  process.exit(2);
}
const N = Number(process.env.BENCH_COMMANDS ?? 4000);
if (!Number.isInteger(N) || N < 64) {
  console.error(`BENCH_COMMANDS must be a whole number of at least 64, got ${process.env.BENCH_COMMANDS}`);
  process.exit(2);
}
const WARM_UP = Math.ceil(N / 4);
const IN_FLIGHT = 16;
const DOCS = 2000;
const BATCH = 16;

/** The server's pid, if it names a running process. */
function serverPid(): number | undefined {
  const file = join(process.env.DFS_INFRA_CACHE ?? '.cache/infra', 'run', 'mongo.pid');
  const pid = process.env.BENCH_SERVER_PID ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  return /^\d+$/.test(pid) && existsSync(`/proc/${pid}/stat`) ? Number(pid) : undefined;
}
const pid = serverPid();

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's user + system CPU in µs (/proc stat fields 14 and 15, after the command name). */
function cpuUsOf(p: number): number {
  const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}

/** The server process's name, and a warning when its command line does not name the URI's port. */
function describeServer(p: number): string {
  const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
  const port = /^mongodb:\/\/[^/]*:(\d+)/.exec(uri!)?.[1] ?? '27017';
  const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
  return cmdline.includes(port) ? `${p} (${name})` : `${p} (${name}; its command line does not name port ${port})`;
}

const conn = await connectMongo({ uri, dbName: 'dfs_bench_store', attempts: 1 });
const db = conn.db!;
await db.dropDatabase();
const accounts = db.collection<{ _id: string; balance: number }>('accounts');
const inserts = db.collection<{ _id: string; at: number }>('inserts');
await accounts.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: `a${i}`, balance: 1e12 })));

const id = (k: number) => `a${k % DOCS}`;
const batchIds = (k: number) => Array.from({ length: BATCH }, (_, j) => id(k * BATCH + j));
/** Each kind sends one command per call; `statements` is how many statements (documents) it carries. */
const kinds: { name: string; statements: number; run: (k: number) => Promise<unknown> }[] = [
  { name: 'findOne by _id', statements: 1, run: (k) => accounts.findOne({ _id: id(k) }) },
  {
    name: 'conditional debit (updateOne, $gte + $inc)',
    statements: 1,
    run: (k) => accounts.updateOne({ _id: id(k), balance: { $gte: 1 } }, { $inc: { balance: -1 } }),
  },
  { name: 'insertOne', statements: 1, run: (k) => inserts.insertOne({ _id: `i${k}-${Date.now()}`, at: k }) },
  {
    name: `bulkWrite of ${BATCH} conditional updates`,
    statements: BATCH,
    run: (k) =>
      accounts.bulkWrite(
        batchIds(k).map((_id) => ({
          updateOne: { filter: { _id, balance: { $gte: 1 } }, update: { $inc: { balance: -1 } } },
        })),
        { ordered: false },
      ),
  },
  {
    name: `updateMany of ${BATCH} (_id $in)`,
    statements: BATCH,
    run: (k) => accounts.updateMany({ _id: { $in: batchIds(k) } }, { $inc: { balance: -1 } }),
  },
  {
    name: `insertMany of ${BATCH}`,
    statements: BATCH,
    run: (k) =>
      inserts.insertMany(Array.from({ length: BATCH }, (_, j) => ({ _id: `m${k}-${j}-${Date.now()}`, at: k }))),
  },
];

/** The server's CPU per second while nothing is sent. */
async function serverIdleUsPerSecond(): Promise<number> {
  if (!pid) return 0;
  const before = cpuUsOf(pid);
  await new Promise((r) => setTimeout(r, 1000));
  return cpuUsOf(pid) - before;
}
const idleUs = await serverIdleUsPerSecond();

async function measure(run: (k: number) => Promise<unknown>, count: number) {
  let next = 0;
  const client0 = process.cpuUsage();
  const server0 = pid ? cpuUsOf(pid) : 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const serverUs = pid ? Math.max(0, cpuUsOf(pid) - server0 - idleUs * seconds) : undefined;
  return { seconds, clientUs: client.user + client.system, serverUs };
}

console.log(
  `store ${redactUri(uri)}, server pid ${pid ? describeServer(pid) : 'unknown (client CPU only)'}, idle ` +
    `${(idleUs / 1000).toFixed(0)} ms of CPU per s; node ${process.version}, ${cpus().length} CPUs; ` +
    `${IN_FLIGHT} in flight, ${N} commands per kind after ${WARM_UP} to warm up`,
);
try {
  for (const kind of kinds) {
    await measure(kind.run, WARM_UP);
    const m = await measure(kind.run, N);
    const client = m.clientUs / N;
    const rate = (N / m.seconds).toFixed(0).padStart(6);
    const head = `${kind.name.padEnd(44)} ${rate} commands/s  CPU per command: client ${client.toFixed(0)} µs`;
    if (m.serverUs === undefined) {
      console.log(head);
      continue;
    }
    const server = m.serverUs / N;
    const perStatement = (client + server) / kind.statements;
    console.log(
      `${head}, server ${server.toFixed(0)} µs (${perStatement.toFixed(0)} µs per statement); ` +
        `two cores doing only this: ${(2e6 / perStatement).toFixed(0)} statements/s`,
    );
  }
} finally {
  await db.dropDatabase();
  await conn.close();
}
