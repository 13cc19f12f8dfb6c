import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { pkiPaths } from '../../kit/src/pki.js';
import { readTls } from '../../kit/src/tls.js';
import type { WorkCounts } from '../../kit/src/work.js';
import { checkWorkersEnv } from '../workers.js';
import { CliFailure } from '../failure.js';
import { FREE_PORTS } from '../stack.js';
import { connectWorld } from '../world.js';
import { gitCommit, machine } from '../run-meta.js';
import { measureEcho } from './echo.js';
import { renderHtml, type LoadMeta } from './html.js';
import { runLoad } from './run.js';

export interface LoadFlags {
  devices: number;
  merchants: number;
  rate?: number;
  concurrency?: number;
  durationSec: number;
  echoSec: number;
  json?: string;
  html?: string;
  stateDir: string;
  /** Processes the embedded stack runs as (`dfs serve --workers N`; more than 1 needs the real store and bus). */
  workers: number;
}

/**
 * Starts the embedded stack in a child process (`dfs serve`) so that generator and stack each get a
 * core. It binds free ports unless told otherwise, and uses config/risk-rules.load.json unless
 * RISK_RULES_FILE is set: the same posture limits per payment, with the velocity and daily limits
 * lifted, since thousands of payments per phone are what those rules exist to stop. With Kafka, each
 * run gets its own topics (KAFKA_NAMESPACE) so that no earlier run's backlog is replayed into it.
 */
async function spawnStack(
  stateDir: string,
  workers: number,
): Promise<{ child: ChildProcess; attestationAddr: string; transactionAddr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...FREE_PORTS,
    RISK_RULES_FILE: 'config/risk-rules.load.json',
    LOG_LEVEL: 'warn',
    KAFKA_NAMESPACE: `load-${Date.now().toString(36)}`,
    ...process.env,
  };
  const child = spawn(
    process.execPath,
    ['bin/dfs.mjs', 'serve', '--state-dir', stateDir, '--workers', String(workers)],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env,
    },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^READY (.+)$/m.exec(buf);
      if (m) resolve({ child, ...(JSON.parse(m[1]!) as { attestationAddr: string; transactionAddr: string }) });
    });
    child.once('exit', (code) =>
      reject(new CliFailure(`the embedded stack (dfs serve) exited with ${code} before it was ready`)),
    );
  });
}

/** The work counters of the embedded stack, asked over the IPC channel of `dfs serve`. */
function stackWorkOf(child: ChildProcess): () => Promise<WorkCounts | null> {
  return () =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        resolve(null);
      }, 2000);
      const onMessage = (m: unknown) => {
        const work = (m as { work?: WorkCounts }).work;
        if (!work) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(work);
      };
      child.on('message', onMessage);
      child.send('work');
    });
}

/** A process and its descendants (the workers of `dfs serve --workers N`), from Linux /proc. */
function treeOf(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return [pid, ...children.flatMap(treeOf)];
}

/** CPU time (user + system, all threads) a process and its descendants have used, in ms (0 where unavailable). */
function cpuMsOf(pid: number, tree = false): number {
  let ms = 0;
  for (const p of tree ? treeOf(pid) : [pid]) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // a process that ended between the listing and the read
    }
  }
  return ms;
}

/** Resident memory of a process and its descendants in MB (Linux /proc), or null where unavailable. */
function rssMb(pid: number, tree = false): number | null {
  let kb = 0;
  for (const p of tree ? treeOf(pid) : [pid]) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    kb += m ? Number(m[1]) : 0;
  }
  return kb ? Math.round(kb / 1024) : null;
}

/**
 * `dfs load`: echo ceiling, enrollment phase, payment phase,
 * ledger check, reports; exit code 1 when an invariant fails.
 */
export async function loadCommand(f: LoadFlags): Promise<number> {
  const progress = (line: string) => process.stderr.write(`[load] ${line}\n`);
  const remote = process.env.ATTESTATION_ADDR && process.env.TRANSACTION_ADDR;
  if (!remote) checkWorkersEnv(f.workers);
  const stack = remote ? null : await spawnStack(f.stateDir, f.workers);
  const addrs = stack ?? {
    attestationAddr: process.env.ATTESTATION_ADDR!,
    transactionAddr: process.env.TRANSACTION_ADDR!,
  };
  const pki = pkiPaths(f.stateDir);
  const world = await connectWorld(pki, addrs);
  const target = remote
    ? `running stack: attestation ${addrs.attestationAddr}, transaction ${addrs.transactionAddr}`
    : `embedded stack (dfs serve --workers ${f.workers} in child processes): transaction ${addrs.transactionAddr}`;
  const meta: LoadMeta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    target,
    options: {
      devices: f.devices,
      merchants: f.merchants,
      ...(f.concurrency ? { concurrency: f.concurrency } : { rate: f.rate ?? 50 }),
      durationSec: f.durationSec,
      echoSec: f.echoSec,
      ...(remote ? {} : { workers: f.workers }),
    },
    machine: machine(),
  };
  try {
    progress(`target ${target}`);
    const cpuMs = () => ({
      generator: cpuMsOf(process.pid),
      ...(stack ? { embeddedStack: cpuMsOf(stack.child.pid!, true) } : {}),
    });
    const echo = await measureEcho(
      addrs.transactionAddr,
      readTls({ ca: pki.ca, cert: pki.cert('operator'), key: pki.key('operator') }),
      f.echoSec,
      cpuMs,
    );
    const { echoPerSec } = echo;
    progress(`echo ceiling: ${echoPerSec} mTLS round trips/s`);
    const report = await runLoad(world, {
      devices: f.devices,
      merchants: f.merchants,
      rate: f.rate,
      concurrency: f.concurrency,
      durationSec: f.durationSec,
      fundMinor: 50_000_000,
      currency: 'KES',
      progress,
      cpuMs,
      stackWork: stack ? stackWorkOf(stack.child) : undefined,
    });
    const memoryMb = {
      generator: rssMb(process.pid),
      ...(stack ? { embeddedStack: rssMb(stack.child.pid!, true) } : {}),
    };
    const { latencySamplesMs: _s, timeline, ...summary } = report;
    const out = {
      meta,
      ...summary,
      ceiling: echo,
      ratioToCeiling: echoPerSec ? Math.round((report.throughputPerSec / echoPerSec) * 100) / 100 : null,
      memoryMb,
      timeline,
    };
    if (f.json) writeFileSync(f.json, JSON.stringify(out, null, 2));
    if (f.html) writeFileSync(f.html, renderHtml({ ...report, ceiling: { echoPerSec }, meta }));
    console.log(JSON.stringify({ ...out, timeline: undefined }));
    if (report.waitedForPhone)
      progress(`${report.waitedForPhone} payments waited for a free phone (included in their latency): add --devices`);
    if (!report.invariants.ok) progress(`INVARIANT VIOLATED: ${JSON.stringify(report.invariants)}`);
    return report.invariants.ok ? 0 : 1;
  } finally {
    world.close();
    if (stack) {
      stack.child.kill('SIGTERM');
      await new Promise((r) => stack.child.once('exit', r));
    }
  }
}
