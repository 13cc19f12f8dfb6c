import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../kit/src/config.js';
import { DfsError } from '../kit/src/errors.js';
import { stopOnSignals } from '../kit/src/lifecycle.js';
import { createLogger, setLogDestination } from '../kit/src/log.js';
import { ensureDevPki, pkiPaths } from '../kit/src/pki.js';
import type { ServiceHandle } from '../kit/src/service.js';
import { runDemo } from './demo.js';
import { loadCommand } from './load/command.js';
import { threatsCommand } from './threats/command.js';
import { startStack } from './stack.js';
import { connectWorld } from './world.js';

const USAGE = `dfs: the DFS reference stack

  dfs start                 run the whole stack (embedded default) plus one demo payment; Ctrl-C stops
  dfs demo [--json]         the same demo payment, then exit (0 when it posted)
  dfs serve                 run the whole stack (embedded default) without a demo; prints READY {addresses}
  dfs service <name>        run one service: attestation | transaction | risk
  dfs load [--devices N] [--rate R | --concurrency C] [--duration S] [--json FILE] [--html FILE]
                            enroll N phones, drive payments, report throughput, latency, correctness
  dfs threats [--only ID] [--json FILE] [--html FILE]
                            play the named attacks against the stack; exit 1 if any succeeded
  dfs certs                 create the development PKI and OEM root in the state directory

Options: --state-dir <dir> (default $DFS_STATE_DIR or .dfs-state)
Environment: see README.md (ports, addresses, MONGODB_URI, KAFKA_BROKERS, LOG_LEVEL).`;

async function service(name: string | undefined): Promise<ServiceHandle> {
  switch (name) {
    case 'attestation': return (await import('../services/attestation/src/main.js')).startAttestation();
    case 'transaction': return (await import('../services/transaction/src/main.js')).startTransaction();
    case 'risk': return (await import('../services/risk/src/main.js')).startRisk();
    default: throw new UsageError(`unknown service "${name ?? ''}" (attestation | transaction | risk)`);
  }
}

class UsageError extends Error {}

async function demoOrStart(stay: boolean, json: boolean, stateDir: string): Promise<void> {
  const target = process.env.ATTESTATION_ADDR && process.env.TRANSACTION_ADDR && !stay
    ? { attestationAddr: process.env.ATTESTATION_ADDR, transactionAddr: process.env.TRANSACTION_ADDR, stop: async () => {}, pki: pkiPaths(stateDir), embedded: false }
    : { ...(await startStack({ stateDir })), embedded: true };
  const say = json ? () => {} : (line: string) => console.log(line);
  if (target.embedded && 'services' in target) {
    say('DFS reference stack: embedded default (in-memory stores, in-process event bus), gRPC over mutual TLS');
    for (const s of target.services) say(`  ${s.name.padEnd(12)} gRPC 127.0.0.1:${s.grpcPort}   HTTP http://127.0.0.1:${s.httpPort}/readyz`);
    say(`  dev PKI and keys in ${target.pki.dir}`);
  }
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
  await target.stop();
  say('Stopped cleanly.');
}

const COMMON = { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } as const;
const LOAD = {
  ...COMMON, json: { type: 'string' }, html: { type: 'string' }, devices: { type: 'string' }, rate: { type: 'string' },
  concurrency: { type: 'string' }, duration: { type: 'string' }, merchants: { type: 'string' }, 'echo-seconds': { type: 'string' },
} as const;

function positiveInt(name: string, v: string | undefined, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!Number.isInteger(x) || x <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return x;
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  const rest = argv.slice(1);
  const stateDirOf = (v: { 'state-dir'?: string | boolean }) => {
    const dir = typeof v['state-dir'] === 'string' ? v['state-dir'] : process.env.DFS_STATE_DIR ?? '.dfs-state';
    process.env.DFS_STATE_DIR = dir;
    return dir;
  };
  switch (command) {
    case 'start':
    case 'demo': {
      const { values } = parse(rest, { ...COMMON, json: { type: 'boolean', default: false } });
      process.env.LOG_LEVEL ??= 'warn';
      setLogDestination(2);
      return demoOrStart(command === 'start', values.json === true, stateDirOf(values));
    }
    case 'serve': {
      const { values } = parse(rest, COMMON);
      process.env.LOG_LEVEL ??= 'warn';
      setLogDestination(2);
      const stack = await startStack({ stateDir: stateDirOf(values) });
      console.log(`READY ${JSON.stringify({ attestationAddr: stack.attestationAddr, transactionAddr: stack.transactionAddr, riskAddr: stack.riskAddr })}`);
      stopOnSignals(() => stack.stop(), createLogger('dfs'));
      return;
    }
    case 'load': {
      const { values: v } = parse(rest, LOAD);
      const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
      process.exitCode = await loadCommand({
        devices: positiveInt('devices', str(v.devices), 50)!, merchants: positiveInt('merchants', str(v.merchants), 20)!,
        rate: positiveInt('rate', str(v.rate)), concurrency: positiveInt('concurrency', str(v.concurrency)),
        durationSec: positiveInt('duration', str(v.duration), 10)!, echoSec: positiveInt('echo-seconds', str(v['echo-seconds']), 3)!,
        json: str(v.json), html: str(v.html), stateDir: stateDirOf(v),
      });
      return;
    }
    case 'threats': {
      const { values: v } = parse(rest, { ...COMMON, only: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' } });
      const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
      process.env.LOG_LEVEL ??= 'silent';
      setLogDestination(2);
      process.exitCode = await threatsCommand({ only: str(v.only), json: str(v.json), html: str(v.html), stateDir: stateDirOf(v) });
      return;
    }
    case 'service': {
      const { values, positionals } = parse(rest, COMMON);
      stateDirOf(values);
      const handle = await service(positionals[0]);
      stopOnSignals(() => handle.stop(), createLogger('dfs'));
      return;
    }
    case 'certs': {
      const { values } = parse(rest, COMMON);
      const pki = await ensureDevPki(stateDirOf(values));
      console.log(`development PKI ready in ${pki.dir} (OEM root ${pki.oemRoot})`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) console.error(`dfs: ${err.message}`);
  else if (err instanceof DfsError) console.error(`dfs: failed with ${err.code}${err.detail ? ` (${err.detail})` : ''}`);
  else console.error('dfs: failed:', err);
  process.exit(err instanceof UsageError ? 2 : 1);
});
