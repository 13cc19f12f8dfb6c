import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryBus } from '../kit/src/events.js';
import { ensureDevPki } from '../kit/src/pki.js';
import { trustCaForFetch } from '../kit/src/tls-policy.js';
import { loadConfig } from '../services/transaction/src/config.js';
import { startTransaction } from '../services/transaction/src/main.js';
import { memoryLedgerStore } from '../services/transaction/src/store/memory/index.js';
import { seedJournal } from '../test/support/journal-seed.js';

/**
 * Benchmark (not a test): /readyz latency of the transaction service over an in-memory ledger with
 * BENCH_ENTRIES journal entries (default 1,000,000), while the background journal verification
 * runs its first pass over them, and after it finished.
 */
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const PROBES = Number(process.env.BENCH_PROBES ?? 500);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function probe(url: string, n: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`);
    ms.push(performance.now() - t0);
  }
  return ms;
}

const line = (label: string, ms: number[]) =>
  console.log(
    `${label.padEnd(44)} n=${ms.length}  p50 ${pct(ms, 50).toFixed(2)} ms  ` +
      `p99 ${pct(ms, 99).toFixed(2)} ms  max ${Math.max(...ms).toFixed(2)} ms`,
  );

const stateDir = mkdtempSync(join(tmpdir(), 'dfs-bench-readyz-'));
try {
  trustCaForFetch(readFileSync((await ensureDevPki(stateDir)).ca));
  const store = memoryLedgerStore();
  const t0 = performance.now();
  await seedJournal(store, ENTRIES);
  console.log(
    `node ${process.version}, ${cpus().length} CPUs; seeded ${ENTRIES} journal entries ` +
      `(each with its POSTED transfer) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const config = loadConfig({
    DFS_STATE_DIR: stateDir,
    LOG_LEVEL: 'silent',
    TRANSACTION_GRPC_PORT: '0',
    TRANSACTION_HTTP_PORT: '0',
    JOURNAL_VERIFY_INTERVAL_SEC: '86400',
  });
  const tx = await startTransaction(config, memoryBus(), { store });
  const base = `https://127.0.0.1:${tx.httpPort}`;
  const verifiedAt = async () =>
    Number(/dfs_journal_verified_entries\{[^}]*\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
  console.log(
    `first /readyz after start (cold: route compiled, connection ` +
      `opened): ${(await probe(`${base}/readyz`, 1))[0]!.toFixed(2)} ms`,
  );
  line('/readyz during the first verification pass', await probe(`${base}/readyz`, PROBES));
  const tv = performance.now();
  while ((await verifiedAt()) < ENTRIES) await new Promise((r) => setTimeout(r, 200));
  console.log(
    `background verification reached ${ENTRIES} ` +
      `entries ${((performance.now() - tv) / 1000).toFixed(1)} s after the probes above ended`,
  );
  line('/readyz after verification', await probe(`${base}/readyz`, PROBES));
  await tx.stop();
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
