/**
 * Starts the stack's containers as deploy/ configures them, without a container engine: the same
 * command, environment, user and groups, and the same read-only and writable paths. Each container
 * gets a root directory of its own; the image's directories (from deploy/Dockerfile) are created
 * in it and every mount becomes a symlink at its path to a host directory. A read-only mount is a
 * snapshot owned by root and readable only through the container's groups (Secret files: their
 * mode, group-owned by fsGroup); a read-only root filesystem is the same for the image's own
 * directories. Processes run as the manifest's uid through setpriv when this runs as root, so
 * permissions bite as they would in the container.
 *
 * What cannot be the same on one machine is substituted, and only that: every port is 0 (tests
 * never bind fixed ports) and peers are dialled at the ports they bound; MONGODB_URI and
 * KAFKA_BROKERS are dropped (the embedded store and bus: their servers are other hosts); absolute
 * paths in the environment are read inside the container's root directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  lchownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustCaForFetch } from '../../kit/src/tls-policy.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A mount of a volume (a host directory) at a path in the container. */
export interface Mount {
  path: string;
  volume: string;
  readOnly: boolean;
  /** One file or directory of the volume mounted alone (compose `volume.subpath`); never copied up. */
  subpath?: string;
}

/** One container as a manifest describes it. */
export interface ContainerSpec {
  name: string;
  /** Arguments to the image's entry point (`node bin/dfs.mjs`). */
  args: string[];
  env: Record<string, string>;
  mounts: Mount[];
  tmpfs: string[];
  readOnlyRoot: boolean;
  uid: number;
  gid: number;
  groups: number[];
}

/** What deploy/Dockerfile's runtime stage gives every container: ENV, the directories it creates and their owner. */
export interface ImageModel {
  env: Record<string, string>;
  dirs: string[];
  uid: number;
  gid: number;
}

/** Reads the runtime stage of deploy/Dockerfile: its ENV, `mkdir -p` directories and USER. */
export function imageModel(dockerfile = join(REPO_ROOT, 'deploy', 'Dockerfile')): ImageModel {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');
  const stage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of stage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  const dirs = [...stage.matchAll(/mkdir -p ((?:\/\S+\s*)+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
  const user = /\nUSER (\d+):(\d+)/.exec(stage);
  return { env, dirs, uid: Number(user?.[1] ?? 0), gid: Number(user?.[2] ?? 0) };
}

const isRoot = process.getuid?.() === 0;

function chownTree(path: string, uid: number, gid: number): void {
  if (!isRoot) return;
  lchownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid, gid);
}

/** Gives a copied tree the owners and modes of its original. */
function copyOwnership(from: string, to: string): void {
  const st = lstatSync(from);
  if (st.isSymbolicLink()) return;
  if (isRoot) chownSync(to, st.uid, st.gid);
  chmodSync(to, st.mode & 0o7777);
  if (st.isDirectory()) for (const e of readdirSync(from)) copyOwnership(join(from, e), join(to, e));
}

/** Makes a tree read-only as a read-only mount does: every write bit cleared, owners and read bits kept. */
function readOnlyTree(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) for (const e of readdirSync(path)) readOnlyTree(join(path, e));
  chmodSync(path, st.mode & 0o7555);
}

/** Host directories standing in for volumes, shared by the containers of one stack. */
export class Volumes {
  readonly root = mkdtempSync(join(tmpdir(), 'dfs-volumes-'));

  constructor() {
    chmodSync(this.root, 0o755);
  }
  private readonly filled = new Set<string>();

  dir(name: string): string {
    const d = join(this.root, name.replace(/[^A-Za-z0-9_.-]/g, '_'));
    mkdirSync(d, { recursive: true });
    return d;
  }

  /**
   * A volume with given files (a Secret): owned by root and group `gid` (fsGroup), files with `mode`; never copied up.
   */
  preset(name: string, files: Record<string, string | Buffer>, mode: number, gid: number): void {
    const d = this.dir(name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(d, path)), { recursive: true });
      writeFileSync(join(d, path), content);
      chmodSync(join(d, path), mode);
    }
    this.filled.add(name);
    chownTree(d, 0, gid);
  }

  /** An empty, world-writable volume (a Kubernetes emptyDir). */
  emptyDir(name: string): void {
    chmodSync(this.dir(name), 0o777);
    this.filled.add(name);
  }

  /**
   * Docker's copy-up: a fresh named volume takes the content
   * and ownership of the image directory it is first mounted on.
   */
  copyUp(name: string, from: string): void {
    if (this.filled.has(name)) return;
    this.filled.add(name);
    if (!existsSync(from)) return;
    cpSync(from, this.dir(name), { recursive: true, preserveTimestamps: true });
    copyOwnership(from, this.dir(name));
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A started container: its process, collected output, and the ports it bound. */
export interface Running {
  spec: ContainerSpec;
  child: ChildProcess;
  root: string;
  /** The CA the container's HTTPS certificate chains to, on the host (its TLS_CA_FILE or <state>/pki/ca.crt). */
  caFile: string;
  output: () => string;
  ports: Promise<{ grpcPort: number; httpPort: number }>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Lays out the container's root directory (image directories, mounts, /tmp) and returns it. */
export function layout(spec: ContainerSpec, image: ImageModel, volumes: Volumes): string {
  const root = mkdtempSync(join(tmpdir(), `dfs-ctr-${spec.name}-`));
  chmodSync(root, 0o755);
  for (const d of image.dirs) {
    mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, d), 0o700);
    if (isRoot) chownSync(join(root, d), image.uid, image.gid);
  }
  const imageDirs = new Set(
    image.dirs.flatMap((d) =>
      d
        .split('/')
        .slice(1)
        .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`),
    ),
  );
  for (const d of imageDirs) if (isRoot && !image.dirs.includes(d)) chownSync(join(root, d), image.uid, image.gid);
  for (const t of spec.tmpfs) {
    mkdirSync(join(root, t), { recursive: true });
    chmodSync(join(root, t), 0o1777);
  }
  const readOnly: string[] = [];
  for (const m of [...spec.mounts].sort((a, b) => a.path.split('/').length - b.path.split('/').length)) {
    const at = join(root, m.path);
    if (!m.subpath) volumes.copyUp(m.volume, at);
    let source = m.subpath ? join(volumes.dir(m.volume), m.subpath) : volumes.dir(m.volume);
    if (m.subpath && !existsSync(source)) throw new Error(`${spec.name}: ${m.volume} has no ${m.subpath} to mount`);
    if (m.readOnly) {
      const snapshot = join(root, '.ro', m.volume + m.path.replace(/\//g, '_'));
      cpSync(source, snapshot, { recursive: true, preserveTimestamps: true });
      copyOwnership(source, snapshot);
      readOnly.push(snapshot);
      source = snapshot;
    }
    rmSync(at, { recursive: true, force: true });
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(source, at);
  }
  for (const r of readOnly) readOnlyTree(r);
  const mounted = (d: string) => spec.mounts.some((m) => d === m.path || d.startsWith(`${m.path}/`));
  if (spec.readOnlyRoot)
    for (const d of [...imageDirs].filter((x) => !mounted(x))) {
      if (isRoot) chownSync(join(root, d), 0, 0);
      chmodSync(join(root, d), 0o555);
    }
  return root;
}

/**
 * The container's environment as the process sees it: absolute
 * paths (here and in arguments) read inside its root directory.
 */
function hostEnv(spec: ContainerSpec, image: ImageModel, root: string): Record<string, string> {
  const env: Record<string, string> = { ...image.env, ...spec.env };
  for (const [k, v] of Object.entries(env)) {
    if (v.startsWith('/'))
      env[k] = v
        .split(',')
        .map((p) => join(root, p.trim()))
        .join(',');
  }
  return { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: join(root, 'tmp') };
}

/** Starts one container's process and watches its log for the ports it bound. */
export function start(spec: ContainerSpec, image: ImageModel, volumes: Volumes): Running {
  const root = layout(spec, image, volumes);
  const env = hostEnv(spec, image, root);
  const cmd = [
    process.execPath,
    join(REPO_ROOT, 'bin', 'dfs.mjs'),
    ...spec.args.map((a) => (a.startsWith('/') ? join(root, a) : a)),
  ];
  const child = isRoot
    ? spawn(
        'setpriv',
        [
          `--reuid=${spec.uid}`,
          `--regid=${spec.gid}`,
          spec.groups.length ? `--groups=${spec.groups.join(',')}` : '--clear-groups',
          '--',
          ...cmd,
        ],
        { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn(cmd[0]!, cmd.slice(1), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ports = new Promise<{ grpcPort: number; httpPort: number }>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString('utf8');
      for (const line of out.split('\n')) {
        try {
          const rec = JSON.parse(line) as { msg?: string; grpcPort?: number; httpPort?: number };
          if (rec.msg?.endsWith('service listening') && rec.httpPort)
            resolve({ grpcPort: rec.grpcPort!, httpPort: rec.httpPort });
        } catch {
          /* not a log line */
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    void exited.then((code) =>
      reject(new Error(`${spec.name} exited with ${code} before listening:\n${out.slice(-3000)}`)),
    );
  });
  ports.catch(() => undefined);
  return {
    spec,
    child,
    root,
    caFile: env.TLS_CA_FILE || join(env.DFS_STATE_DIR ?? root, 'pki', 'ca.crt'),
    ports,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (isRoot) chownTree(root, 0, 0);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Polls /readyz over HTTPS (this process's fetch then trusts the container's CA) until it answers 200
 * (true), or the process exits or `timeoutMs` passes (false).
 */
export async function waitReady(c: Running, timeoutMs = 90_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  const { httpPort } = await c.ports;
  trustCaForFetch(readFileSync(c.caFile));
  while (Date.now() < until && c.child.exitCode === null) {
    const ok = await fetch(`https://127.0.0.1:${httpPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Runs a one-shot container (`dfs certs`) to completion; resolves with its exit code. */
export async function runToCompletion(
  spec: ContainerSpec,
  image: ImageModel,
  volumes: Volumes,
): Promise<{ code: number | null; output: string }> {
  const c = start(spec, image, volumes);
  const code = await c.exited;
  const output = c.output();
  await c.stop();
  return { code, output };
}

/**
 * The only substitutions: ports to 0, peers (addresses and `<peer>:<port>`
 * URLs) at their bound ports, the embedded store and bus for MongoDB and Kafka.
 */
export function substitute(env: Record<string, string>, peers: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (/_(GRPC|HTTP)_PORT$/.test(k)) out[k] = '0';
    else if (/^(ATTESTATION|RISK|TRANSACTION)_ADDR$/.test(k)) {
      const port = peers[k.slice(0, k.indexOf('_')).toLowerCase()];
      if (port) out[k] = `127.0.0.1:${port}`;
      else out[k] = v;
    } else if (/_URL$/.test(k) && /^https?:\/\/([a-z-]+):\d+/.test(v)) {
      const [, scheme, peer] = /^(https?):\/\/([a-z-]+):\d+/.exec(v)!;
      const port = peers[peer!];
      out[k] = port ? v.replace(/^https?:\/\/[a-z-]+:\d+/, `${scheme}://127.0.0.1:${port}`) : v;
    } else if (k !== 'MONGODB_URI' && k !== 'KAFKA_BROKERS') out[k] = v;
  }
  return out;
}
