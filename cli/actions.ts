import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { stopOnSignals } from '../kit/src/lifecycle.js';
import { createLogger, setLogDestination } from '../kit/src/log.js';
import { startTracing } from '../kit/src/tracing.js';
import { ensureDevPki, pkiPaths } from '../kit/src/pki.js';
import type { ServiceHandle } from '../kit/src/service.js';
import { answerWorkQueries } from '../kit/src/work.js';
import { openConsole } from './console/open.js';
import { runDemo } from './demo.js';
import { UsageError } from './failure.js';
import { loadCommand, type LoadFlags } from './load/command.js';
import { checkRemote, remoteTarget } from './reach.js';
import { startStack } from './stack.js';
import { SCENARIOS } from './threats/catalog.js';
import { threatsCommand } from './threats/command.js';
import { isWorker, superviseWorkers, tellPortTaken, workerIndex } from './workers.js';
import { connectWorld } from './world.js';

/** The services `dfs service <name>` runs. */
export const SERVICE_NAMES = ['attestation', 'transaction', 'risk', 'fota', 'mno'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Logs to stderr so stdout stays the command's output; LOG_LEVEL still wins. */
function quietLogs(level: string): void {
  process.env.LOG_LEVEL ??= level;
  setLogDestination(2);
}

/**
 * grpc-js logs its own line when a bind fails; the CLI reports that failure itself (port and variable),
 * so that one message is dropped and every other grpc-js message still reaches stderr.
 */
function dropGrpcBindLog(): void {
  grpc.setLogger({
    error: (message?: unknown, ...rest: unknown[]) => {
      if (!String(message).startsWith('No address added')) console.error(`E ${String(message)}`, ...rest);
    },
    info: (message?: unknown, ...rest: unknown[]) => console.error(`I ${String(message)}`, ...rest),
    debug: (message?: unknown, ...rest: unknown[]) => console.error(`D ${String(message)}`, ...rest),
  });
}

/** `dfs start` (stay up after the demo) and `dfs demo` (exit with the demo's outcome). */
export async function demoOrStart(stay: boolean, json: boolean, stateDir: string): Promise<void> {
  quietLogs('warn');
  dropGrpcBindLog();
  const remote = stay ? null : remoteTarget();
  if (remote) await checkRemote(stateDir, remote);
  const target = remote
    ? { ...remote, stop: async () => {}, pki: pkiPaths(stateDir), embedded: false }
    : { ...(await startStack({ stateDir })), embedded: true };
  const say = json ? () => {} : (line: string) => console.log(line);
  if (target.embedded && 'services' in target) {
    say('DFS reference stack: embedded default (in-memory stores, in-process event bus), gRPC over mutual TLS');
    for (const s of target.services) {
      const scheme = s.name === 'fota' ? 'https' : target.httpScheme;
      const web = `${scheme.toUpperCase()} ${scheme}://127.0.0.1:${s.httpPort}/readyz`;
      say(
        s.grpcPort ? `  ${s.name.padEnd(12)} gRPC 127.0.0.1:${s.grpcPort}   ${web}` : `  ${s.name.padEnd(12)} ${web}`,
      );
    }
    say(`  dev PKI and keys in ${target.pki.dir} (HTTPS clients trust ${target.pki.ca})`);
    if (target.httpScheme === 'http') say('  WARNING: DFS_DEV_PLAIN_HTTP=1: the HTTP ports serve plain HTTP');
  }
  const web = stay && 'services' in target ? await openConsole(target, say) : undefined;
  const world = await connectWorld(target.pki, target);
  try {
    const result = await runDemo(world, { quiet: json });
    if (json) console.log(JSON.stringify(result));
    if (result.status !== 'POSTED') process.exitCode = 1;
  } finally {
    world.close();
  }
  if (!stay) {
    await target.stop();
    return;
  }
  say('\nServing. Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  say('Stopping: health NOT_SERVING, draining calls...');
  await web?.stop();
  await target.stop();
  say('Stopped cleanly.');
}

/**
 * A start that failed: in a worker whose port was taken, the primary is told and reports it (or chooses
 * new ports), so the worker exits without a line of its own; any other failure goes on as it is.
 */
async function failWorker(err: unknown): Promise<never> {
  if (await tellPortTaken(err)) process.exit(1);
  throw err;
}

/**
 * `dfs serve`: the embedded stack without a demo; one `READY {addresses}` line on stdout. With
 * `workers` above 1 this process supervises that many workers, each running the stack (see cli/workers.ts).
 */
export async function serve(stateDir: string, workers = 1): Promise<void> {
  if (workers > 1 && !isWorker()) return superviseWorkers(stateDir, workers);
  // A SIGHUP passed on by the primary before the risk service listens for it must not end the worker
  // (Node's default): the rule file it would reload is read when risk starts anyway.
  if (isWorker()) process.on('SIGHUP', () => {});
  quietLogs('warn');
  dropGrpcBindLog();
  const flushTraces = startTracing({ serviceName: 'dfs' });
  const stack = await startStack({ stateDir, simulators: workerIndex() === 0 }).catch(failWorker);
  const web =
    workerIndex() === 0 ? await openConsole(stack, (line) => console.error(line.trim())).catch(failWorker) : undefined;
  const { attestationAddr, transactionAddr, riskAddr, fotaUrl, mnoUrl } = stack;
  const ready = {
    attestationAddr,
    transactionAddr,
    riskAddr,
    fotaUrl,
    mnoUrl,
    ...(web ? { consoleUrl: web.url } : {}),
  };
  if (isWorker()) process.send!({ ready });
  else console.log(`READY ${JSON.stringify(ready)}`);
  answerWorkQueries();
  stopOnSignals(async () => {
    await web?.stop();
    await stack.stop();
    await flushTraces();
  }, createLogger('dfs'));
}

/** `dfs service <name>`: one service alone, configured from the environment. */
export async function service(name: ServiceName): Promise<void> {
  dropGrpcBindLog();
  const start: Record<ServiceName, () => Promise<ServiceHandle>> = {
    attestation: async () => (await import('../services/attestation/src/main.js')).startAttestation(),
    transaction: async () => (await import('../services/transaction/src/main.js')).startTransaction(),
    risk: async () => (await import('../services/risk/src/main.js')).startRisk(),
    fota: async () => (await import('../services/fota/src/main.js')).startFota(),
    mno: async () => (await import('../services/mno/src/main.js')).startMno(),
  };
  const flushTraces = startTracing({ serviceName: name });
  const handle = await start[name]();
  stopOnSignals(async () => {
    await handle.stop();
    await flushTraces();
  }, createLogger('dfs'));
}

/** `dfs load`: against the running stack (checked first) or an embedded one in a child process. */
export async function load(flags: LoadFlags): Promise<void> {
  const remote = remoteTarget();
  if (remote) await checkRemote(flags.stateDir, remote);
  process.exitCode = await loadCommand(flags);
}

/** `dfs threats --list`: every scenario id with its title. */
export function listThreats(): void {
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) console.log(`${s.id.padEnd(width)}  ${s.title}`);
}

/** `dfs threats`: an unknown `--only` id is a usage error, found before any stack starts. */
export async function threats(opts: { only?: string; json?: string; html?: string; stateDir: string }): Promise<void> {
  if (opts.only !== undefined && !SCENARIOS.some((s) => s.id === opts.only)) {
    throw new UsageError(
      `unknown scenario "${opts.only}" for --only; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
  quietLogs('silent');
  dropGrpcBindLog();
  const remote = remoteTarget();
  if (remote) await checkRemote(opts.stateDir, remote);
  process.exitCode = await threatsCommand(opts);
}

/**
 * `dfs certs`: dev PKI and OEM root in the state directory; what attestation needs from oem/ is copied into pki/
 * without the OEM's keys: `oem-root.crt` (the OEM root certificate alone) and `device-trust.json`.
 */
export async function certs(stateDir: string): Promise<void> {
  const pki = await ensureDevPki(stateDir);
  copyFileSync(pki.oemRoot, join(pki.dir, 'oem-root.crt'));
  copyFileSync(pki.deviceTrust, join(pki.dir, 'device-trust.json'));
  console.log(`development PKI ready in ${pki.dir} (OEM root ${pki.oemRoot})`);
}
