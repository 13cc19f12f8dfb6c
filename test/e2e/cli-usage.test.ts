import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { PORT_VARS } from '../../cli/stack.js';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { cliEnv } from '../support/stack.js';

const BIN = resolve('bin/dfs.mjs');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const COMMANDS = buildProgram(VERSION, () => {}).commands.map((c) => c.name());
const STACK_TRACE = /^\s+at /m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/dfs.mjs ...args` in `cwd` and collects its output and exit status. */
function dfs(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`dfs ${args.join(' ')} still running after ${opts.timeoutMs ?? 20_000} ms; stdout: ${stdout}`));
    }, opts.timeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/**
 * A scratch directory whose `state` subdirectory does not exist yet. Commands that must run nothing
 * run in it (so any file they wrote would show); commands that run the stack run in the repository,
 * where its config files are.
 */
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-cli-'));
  const stateDir = join(dir, 'state');
  return { cwd: dir, stateDir, env: cliEnv(stateDir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const REPO = process.cwd();

/** A port nothing listens on (bound once by the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('dfs --help and --version: usage, exit 0, nothing run', () => {
  it('knows the commands the README documents', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['start', 'demo', 'serve', 'service', 'load', 'threats', 'certs']));
  });

  const cases: string[][] = [
    [],
    ['--help'],
    ['-h'],
    ...COMMANDS.map((c) => [c, '--help']),
    ['demo', '-h'],
    ['help', 'load'],
  ];
  it.concurrent.each(cases.map((args) => [args.join(' ') || '(no arguments)', args]))(
    'dfs %s',
    async (_label, args) => {
      const { cwd, stateDir, env, cleanup } = scratch();
      try {
        const withOutputs =
          args[0] === 'load' || args[0] === 'threats' ? [...args, '--json', 'out.json', '--html', 'out.html'] : args;
        const r = await dfs(withOutputs as string[], { cwd, env });
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        const command = args[0] === 'help' ? args[1] : args[0]?.startsWith('-') ? undefined : args[0];
        expect(r.stdout).toMatch(new RegExp(`^Usage: dfs ${command ? `${command} ` : ''}`));
        expect(r.stdout).toContain('--help');
        expect(existsSync(stateDir)).toBe(false);
        expect(readdirSync(cwd)).toEqual([]);
      } finally {
        cleanup();
      }
    },
  );

  it('lists every threat scenario id without starting a stack', async () => {
    const { cwd, stateDir, env, cleanup } = scratch();
    try {
      const r = await dfs(['threats', '--list'], { cwd, env });
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual(SCENARIOS.map((s) => s.id));
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('prints the version of package.json', async () => {
    const { cwd, env, cleanup } = scratch();
    try {
      for (const flag of ['--version', '-V']) {
        const r = await dfs([flag], { cwd, env });
        expect(r.code).toBe(0);
        expect(r.stdout.trim()).toBe(VERSION);
      }
    } finally {
      cleanup();
    }
  });
});

describe('usage errors: one line naming what is wrong, exit 2, no stack trace, nothing run', () => {
  const cases: [string[], string][] = [
    [['nope'], "unknown command 'nope'"],
    [['help', 'nope'], "unknown command 'nope'"],
    [['demo', '--nope'], "'--nope'"],
    [['demo', '--jsn'], "'--jsn'"],
    [['demo', 'extra'], "'demo'"],
    [['start', '--json'], "'--json'"],
    [['load', '--devices', '-3'], "'--devices <n>' argument '-3'"],
    [['load', '--devices', 'many'], "'--devices <n>' argument 'many'"],
    [['load', '--duration', '0'], "'--duration <s>' argument '0'"],
    [['load', '--rate', '1.5'], "'--rate <n>' argument '1.5'"],
    [['load', '--rate', '10', '--concurrency', '4'], "'--rate <n>' cannot be used with option '--concurrency <n>'"],
    [['load', '--json'], "'--json <file>' argument missing"],
    [['service'], "missing required argument 'name'"],
    [['service', 'bank'], "'bank'"],
    [['--state-dir', 'x', 'demo'], "'--state-dir'"],
    [['serve', '--workers', '17'], "'--workers <n>' argument '17'"],
    [['load', '--workers', '0'], "'--workers <n>' argument '0'"],
  ];
  it('dfs serve --workers 2 without MONGODB_URI and KAFKA_BROKERS: the workers could share no state', async () => {
    const { cwd, stateDir, env, cleanup } = scratch();
    delete env.MONGODB_URI;
    delete env.KAFKA_BROKERS;
    try {
      const r = await dfs(['serve', '--workers', '2'], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('MONGODB_URI and KAFKA_BROKERS');
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      cleanup();
    }
  });

  it.concurrent.each(cases.map(([args, names]) => [args.join(' '), args, names]))(
    'dfs %s',
    async (_label, args, names) => {
      const { cwd, stateDir, env, cleanup } = scratch();
      try {
        const r = await dfs(args as string[], { cwd, env });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(names);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(existsSync(stateDir)).toBe(false);
      } finally {
        cleanup();
      }
    },
  );

  it('dfs threats --only nope names the valid scenario ids', async () => {
    const { cwd, stateDir, env, cleanup } = scratch();
    try {
      const r = await dfs(['threats', '--only', 'nope'], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('unknown scenario "nope" for --only');
      expect(r.stderr).not.toMatch(STACK_TRACE);
      for (const s of SCENARIOS) expect(r.stderr).toContain(s.id);
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      cleanup();
    }
  });
});

describe('a port that is taken: one line naming the port and its variable, exit 1', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => holder.close(r)));

  it('an HTTP port (TRANSACTION_HTTP_PORT) held by another process', async () => {
    const { env, cleanup } = scratch();
    try {
      const r = await dfs(['demo', '--json'], {
        cwd: REPO,
        env: { ...env, TRANSACTION_HTTP_PORT: String(port) },
        timeoutMs: 40_000,
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        expect.stringContaining(`port ${port} (TRANSACTION_HTTP_PORT) is already in use`),
      ]);
    } finally {
      cleanup();
    }
  }, 45_000);
});

describe('against a running stack (dfs serve on pinned ports)', () => {
  const { cwd: dir, stateDir, env: base, cleanup } = scratch();
  let pinned: NodeJS.ProcessEnv;
  let serving: ChildProcess;
  let addrs: { attestationAddr: string; transactionAddr: string; mnoUrl: string };

  beforeAll(async () => {
    const ports = await Promise.all(PORT_VARS.map(async (v) => [v, String(await closedPort())] as const));
    pinned = { ...base, ...Object.fromEntries(ports) };
    serving = spawn(process.execPath, [BIN, 'serve'], { cwd: REPO, env: pinned, stdio: ['ignore', 'pipe', 'inherit'] });
    addrs = await new Promise((ready, fail) => {
      let out = '';
      serving.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^READY (.+)$/m.exec(out);
        if (m) ready(JSON.parse(m[1]!));
      });
      serving.once('exit', (code) => fail(new Error(`dfs serve exited with ${code}`)));
    });
  }, 45_000);

  const remote = () => ({ ...base, ATTESTATION_ADDR: addrs.attestationAddr, TRANSACTION_ADDR: addrs.transactionAddr });

  afterAll(async () => {
    const exited = new Promise((r) => serving.once('exit', r));
    serving.kill('SIGTERM');
    await exited;
    cleanup();
  });

  it('a second `dfs start` on the same ports: one line naming the first port it needs and its variable', async () => {
    const r = await dfs(['start'], { cwd: REPO, env: pinned, timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const mnoPort = new URL(addrs.mnoUrl).port;
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringContaining(`port ${mnoPort} (MNO_HTTP_PORT) is already in use`),
    ]);
  }, 45_000);

  it('the demo posts a payment through the running stack when both addresses answer', async () => {
    const r = await dfs(['demo'], { cwd: REPO, env: remote(), timeoutMs: 40_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('embedded default');
    expect(r.stdout).toMatch(/Result: POSTED/);
  }, 45_000);

  it.each([
    ['demo', 'TRANSACTION_ADDR'],
    ['threats', 'TRANSACTION_ADDR'],
    ['load', 'TRANSACTION_ADDR'],
    ['demo', 'ATTESTATION_ADDR'],
  ])(
    'dfs %s with %s pointing nowhere: one line naming the variable, exit 1',
    async (command, variable) => {
      const nowhere = `127.0.0.1:${await closedPort()}`;
      const r = await dfs([command], { cwd: REPO, env: { ...remote(), [variable]: nowhere }, timeoutMs: 40_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        `dfs: ${variable}=${nowhere} cannot be reached (ECONNREFUSED): start the stack there, ` +
          'or unset ATTESTATION_ADDR and TRANSACTION_ADDR to run the embedded one',
      ]);
    },
    45_000,
  );

  it("a state directory without the stack's PKI is named before any phone is built", async () => {
    const empty = join(dir, 'elsewhere');
    const r = await dfs(['demo', '--state-dir', empty], { cwd: REPO, env: remote(), timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(`no development PKI in ${empty}`)]);
    expect(existsSync(stateDir)).toBe(true);
    expect(existsSync(empty)).toBe(false);
  }, 45_000);
});
