import { parseArgs } from 'node:util';
import { ConfigError } from '../kit/src/config.js';
import { DfsError } from '../kit/src/errors.js';
import { stopOnSignals } from '../kit/src/lifecycle.js';
import { createLogger, setLogDestination } from '../kit/src/log.js';
import { ensureDevPki, pkiPaths } from '../kit/src/pki.js';
import type { ServiceHandle } from '../kit/src/service.js';
import { runDemo } from './demo.js';
import { startStack } from './stack.js';
import { connectWorld } from './world.js';

const USAGE = `dfs: the DFS reference stack

  dfs start                 run the whole stack (embedded default) plus one demo payment; Ctrl-C stops
  dfs demo [--json]         the same demo payment, then exit (0 when it posted)
  dfs service <name>        run one service: attestation | transaction | risk
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const [command, arg] = positionals;
  const stateDir = values['state-dir'] ?? process.env.DFS_STATE_DIR ?? '.dfs-state';
  process.env.DFS_STATE_DIR = stateDir;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'start':
    case 'demo':
      process.env.LOG_LEVEL ??= 'warn';
      setLogDestination(2);
      return demoOrStart(command === 'start', values.json, stateDir);
    case 'service': {
      const handle = await service(arg);
      stopOnSignals(() => handle.stop(), createLogger('dfs'));
      return;
    }
    case 'certs': {
      const pki = await ensureDevPki(stateDir);
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
