/* eslint-disable security/detect-non-literal-fs-filename --
   the ring file lives under the validated state directory; no path comes from a request */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { JWK } from 'jose';
import { z } from '../../../kit/src/config.js';
import { DfsError, describeError } from '../../../kit/src/errors.js';
import { loadOrCreateSigningKey, readJwkFile, signingKeyOf } from '../../../kit/src/keys.js';
import type { Logger } from '../../../kit/src/log.js';
import { tokenKeyRing, type RingContents, type RingKey, type TokenKeyRing } from './domain/token-keys.js';

const Jwk = z.record(z.string(), z.string());
const RingFile = z.object({
  current: Jwk,
  next: Jwk,
  retired: z.array(z.object({ jwk: Jwk, retiredAtMs: z.number(), removeAtMs: z.number() })),
  removed: z.array(z.string()),
});

/** How often a process looks for a ring another process of the same state directory saved. */
const WATCH_MS = 500;
/** A lock older than this was left by a process that died while changing the ring. */
const STALE_LOCK_MS = 5_000;
/** How long a change waits for another process's change to the ring: long enough to break a stale lock. */
const LOCK_WAIT_MS = 10_000;

const ringKey = async (privateJwk: JWK): Promise<RingKey> => ({ key: await signingKeyOf(privateJwk), privateJwk });

function readRing(file: string): z.infer<typeof RingFile> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not parsed here: a JSON error quotes the text, which holds private keys.
  }
  const parsed = RingFile.safeParse(body);
  if (!parsed.success) throw new DfsError('CONFIG_INVALID', `${file}: not a token key ring`);
  return parsed.data;
}

/** Writes the ring whole (a temporary file renamed over the old one), readable by the service user only. */
function writeRing(file: string, ring: RingContents): void {
  const body = {
    current: ring.current.privateJwk,
    next: ring.next.privateJwk,
    retired: ring.retired.map((r) => ({ jwk: r.key.privateJwk, retiredAtMs: r.retiredAtMs, removeAtMs: r.removeAtMs })),
    removed: ring.removed,
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The first start's current key: `<state>/keys/attestation-token.jwk.json`, created when absent. */
async function initialKey(stateDir: string): Promise<RingKey> {
  await loadOrCreateSigningKey(stateDir, 'attestation-token');
  return ringKey(readJwkFile(join(stateDir, 'keys', 'attestation-token.jwk.json')));
}

async function contentsOf(kept: z.infer<typeof RingFile>): Promise<RingContents> {
  return {
    current: await ringKey(kept.current),
    next: await ringKey(kept.next),
    retired: await Promise.all(
      kept.retired.map(async ({ jwk, retiredAtMs, removeAtMs }) => ({
        key: await ringKey(jwk),
        retiredAtMs,
        removeAtMs,
      })),
    ),
    removed: kept.removed,
  };
}

/** Which ring file is there: every save renames a new file over the old one, so its inode changes. */
function versionOf(file: string): string | null {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : null;
}

/**
 * Breaks a lock left by a process that died holding it: moved aside under a name of this process's
 * own, removed if it is still the stale one, put back otherwise (another waiter broke the stale lock
 * first and took a fresh one, which must stay its own).
 */
export function breakStale(lock: string): void {
  const aside = `${lock}.${process.pid}.${randomUUID()}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone already: another waiter broke it
  }
  if (Date.now() - statSync(aside).mtimeMs > STALE_LOCK_MS) rmSync(aside, { force: true });
  else {
    try {
      linkSync(aside, lock);
    } catch {
      // A third waiter took the lock meanwhile: nothing more can be done for the one moved aside.
    }
    rmSync(aside, { force: true });
  }
}

/** Runs `change` holding the ring's lock file (created exclusively): one process changes the ring at a time. */
async function withLock<T>(lock: string, change: () => Promise<T>): Promise<T> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - heldSince > STALE_LOCK_MS) breakStale(lock);
    else if (Date.now() > until) throw new DfsError('STORE_UNAVAILABLE', `${lock}: held by another process`);
    else await new Promise((r) => setTimeout(r, 10));
  }
  try {
    return await change();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The file-kept ring: stop watching the file with `close`. */
export interface FileTokenKeyRing extends TokenKeyRing {
  close(): void;
}

/**
 * The attestation-token key ring of the state directory: `<state>/keys/attestation-token-ring.json`
 * (mode 0600) holds current, next and retired keys and the ids of removed keys, written on every
 * rotation and removal. Without it (first start) the ring starts from `attestation-token.jwk.json`.
 * A restart thus signs with the key the ring last had, and never signs with or publishes a removed key.
 * Every process of the state directory (`dfs serve --workers N`) shares the file: a change is made
 * under its lock file on the latest saved ring, and the others adopt it within `watchMs`.
 */
export async function openTokenKeyRing(
  stateDir: string,
  graceMs: number,
  opts: { now?: number; log?: Logger; watchMs?: number } = {},
): Promise<FileTokenKeyRing> {
  const file = join(stateDir, 'keys', 'attestation-token-ring.json');
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let seen: string | null = null;
  const save = async (contents: RingContents) => {
    writeRing(file, contents);
    seen = versionOf(file);
  };
  const ring = await withLock(lock, async () => {
    const kept = readRing(file);
    const saved = kept ? await contentsOf(kept) : { current: await initialKey(stateDir) };
    return tokenKeyRing(saved, { graceMs, save }, opts.now ?? Date.now());
  });
  /**
   * Adopts the ring file if another process saved it since this one last read or wrote it; a file
   * that cannot be read fails once (logged once), and is read again when it changes.
   */
  const refresh = async () => {
    const version = versionOf(file);
    if (version === seen) return;
    seen = version;
    const kept = readRing(file);
    if (kept) ring.adopt(await contentsOf(kept));
  };
  // One thing at a time in this process: a look at the file that began before a change must not
  // adopt, after it, the ring the change replaced.
  let serial: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const run = serial.then(step);
    serial = run.catch(() => {});
    return run;
  };
  const timer = setInterval(() => {
    inTurn(refresh).catch((err: unknown) =>
      // The code only: the file holds private keys, which an error's message might quote.
      opts.log?.warn(
        { code: describeError(err).code, file },
        'token key ring file unreadable; keeping the ring in use',
      ),
    );
  }, opts.watchMs ?? WATCH_MS);
  timer.unref();
  const changing = <T>(change: () => Promise<T>) =>
    inTurn(() =>
      withLock(lock, async () => {
        await refresh();
        try {
          return await change();
        } catch (err) {
          // A change that could not be saved is not kept: back to the ring the file holds.
          seen = null;
          await refresh().catch(() => {});
          throw err;
        }
      }),
    );
  return {
    ...ring,
    rotate: (at, rotation) => changing(() => ring.rotate(at, rotation)),
    remove: (kid, at) => changing(() => ring.remove(kid, at)),
    close: () => clearInterval(timer),
  };
}
