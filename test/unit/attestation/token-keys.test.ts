import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { pino } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeOf } from '../../support/expect-code.js';
import type { DfsError } from '../../../kit/src/errors.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import type { Logger } from '../../../kit/src/log.js';
import { tokenKeyRing } from '../../../services/attestation/src/domain/token-keys.js';
import {
  breakStale,
  openTokenKeyRing,
  type FileTokenKeyRing,
} from '../../../services/attestation/src/token-key-file.js';

const kids = (keys: { kid: string }[]) => keys.map((k) => k.kid);
const GRACE = 60_000;

describe('token key ring: current + next + retired', () => {
  it('publishes current and next; rotation promotes next and retires current for the grace period', async () => {
    const initial = await generateSigningKey();
    const ring = await tokenKeyRing({ current: initial }, { graceMs: 10_000 }, 0);
    const s0 = ring.state(0);
    expect(s0.current).toBe(initial.key.kid);
    expect(kids(ring.published(0))).toEqual([initial.key.kid, s0.next]);

    const s1 = await ring.rotate(1000);
    expect(s1.current).toBe(s0.next);
    expect(ring.current().kid).toBe(s0.next);
    expect(s1.retired).toEqual([{ kid: initial.key.kid, retiredAtMs: 1000, removeAtMs: 11_000 }]);
    expect(kids(ring.published(10_999))).toEqual([s1.current, s1.next, initial.key.kid]);
    expect(kids(ring.published(11_000))).toEqual([s1.current, s1.next]);
  });

  it('retires at once on request, and removes a retired key on request (compromise)', async () => {
    const ring = await tokenKeyRing({ current: await generateSigningKey() }, { graceMs: GRACE }, 0);
    const first = ring.current().kid;
    const s1 = await ring.rotate(0, { retireNow: true });
    expect(kids(ring.published(0))).not.toContain(first);
    await ring.rotate(1);
    expect(kids(ring.published(1))).toContain(s1.current);
    await ring.remove(s1.current, 2);
    expect(kids(ring.published(2))).not.toContain(s1.current);
  });

  it('refuses to remove a key that is not retired (ATTESTATION_TOKEN_KEY_NOT_FOUND)', async () => {
    const ring = await tokenKeyRing({ current: await generateSigningKey() }, { graceMs: GRACE }, 0);
    expect(await outcomeOf(ring.remove(ring.current().kid, 0))).toBe('ATTESTATION_TOKEN_KEY_NOT_FOUND');
  });

  it('never starts with a removed key: a removed current or next is replaced by a fresh key', async () => {
    const current = await generateSigningKey();
    const next = await generateSigningKey();
    const ring = await tokenKeyRing(
      { current, next, retired: [], removed: [current.key.kid, next.key.kid] },
      { graceMs: GRACE },
      0,
    );
    expect(kids(ring.published(0))).toHaveLength(2);
    expect(kids(ring.published(0))).not.toContain(current.key.kid);
    expect(kids(ring.published(0))).not.toContain(next.key.kid);
  });
});

describe('token key ring in the state directory: across restarts', () => {
  let dir = '';
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a restart keeps the rotated ring, and never signs with or publishes a removed key again ' +
      '(retireNow, DELETE), not even the initial key file',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
      const first = await openTokenKeyRing(dir, GRACE, { now: 0 });
      const initial = first.current().kid;
      expect((await openTokenKeyRing(dir, GRACE, { now: 1 })).state(1)).toEqual(first.state(1));

      const rotated = await first.rotate(10);
      const restarted = await openTokenKeyRing(dir, GRACE, { now: 20 });
      expect(restarted.state(20)).toEqual(rotated);
      expect(kids(restarted.published(20))).toEqual([rotated.current, rotated.next, initial]);

      await restarted.remove(initial, 30);
      const compromised = restarted.current().kid;
      const afterRemove = await restarted.rotate(40, { retireNow: true });
      const again = await openTokenKeyRing(dir, GRACE, { now: 50 });
      expect(again.current().kid).toBe(afterRemove.current);
      expect(kids(again.published(50))).not.toContain(initial);
      expect(kids(again.published(50))).not.toContain(compromised);
      expect(kids(again.published(50))).toEqual([afterRemove.current, afterRemove.next]);
      expect(await outcomeOf(again.remove(compromised, 50))).toBe('ATTESTATION_TOKEN_KEY_NOT_FOUND');

      const file = join(dir, 'keys', 'attestation-token-ring.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { removed: string[] }).removed).toEqual([initial, compromised]);
    },
  );
});

describe('token key ring shared by the processes of one state directory (dfs serve --workers N)', () => {
  let dir = '';
  const opened: FileTokenKeyRing[] = [];
  afterEach(() => {
    for (const ring of opened.splice(0)) ring.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const openRing = async (now: number, log?: Logger) => {
    const ring = await openTokenKeyRing(dir, GRACE, { now, watchMs: 20, ...(log ? { log } : {}) });
    opened.push(ring);
    return ring;
  };

  it('a rotation or removal in one process is signed with and published by the other, without a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    const [a, b] = await Promise.all([openRing(0), openRing(0)]);
    await expect.poll(() => b.state(0)).toEqual(a.state(0));
    const initial = a.current().kid;

    const rotated = await a.rotate(10);
    await expect.poll(() => b.current().kid).toBe(rotated.current);
    expect(b.state(10)).toEqual(rotated);

    await a.remove(initial, 20);
    await expect.poll(() => kids(b.published(20))).not.toContain(initial);
    expect(await outcomeOf(b.remove(initial, 20))).toBe('ATTESTATION_TOKEN_KEY_NOT_FOUND');
  });

  it('two processes rotating at once both rotate, each from the ring the other saved', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    const [a, b] = await Promise.all([openRing(0), openRing(0)]);
    await expect.poll(() => b.state(0)).toEqual(a.state(0));
    const before = a.state(0);

    await Promise.all([a.rotate(10), b.rotate(10)]);
    await expect.poll(() => a.state(10)).toEqual(b.state(10));
    const after = a.state(10);
    expect(after.retired.map((r) => r.kid)).toEqual([before.current, before.next]);
    expect([before.current, before.next]).not.toContain(after.current);
    expect(kids(b.published(10))).toEqual([after.current, after.next, before.current, before.next]);
  });

  it('a rotation that cannot be saved is not kept: the process stays on the ring the file holds', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    const ring = await openRing(0);
    const before = ring.state(0);
    // The ring is written to a temporary file first: a directory in its place makes the save fail.
    mkdirSync(join(dir, 'keys', `attestation-token-ring.json.${process.pid}.tmp`));
    await expect(ring.rotate(10)).rejects.toThrow();
    expect(ring.state(10)).toEqual(before);
    expect(ring.current().kid).toBe(before.current);
  });

  it('a lock left by a process that died holding it is broken; a fresh one moved aside is put back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    const lock = join(dir, 'keys', 'attestation-token-ring.json.lock');
    mkdirSync(join(dir, 'keys'));
    writeFileSync(lock, '');
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const ring = await openRing(0);
    expect(existsSync(lock)).toBe(false);
    expect((await ring.rotate(10)).current).toBe(ring.current().kid);
    // Another waiter broke it first and holds a fresh lock: breaking again leaves that one in place.
    writeFileSync(lock, 'fresh');
    breakStale(lock);
    expect(readFileSync(lock, 'utf8')).toBe('fresh');
    expect(readdirSync(join(dir, 'keys')).filter((f) => f.includes('.lock.'))).toEqual([]);
  });

  it('a ring file spoiled by hand leaves the ring in use, logged by code without the file text', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const ring = await openRing(0, log);
    const before = ring.state(0);
    writeFileSync(join(dir, 'keys', 'attestation-token-ring.json'), '{"current":{"d":"SECRETSECRET"');
    await expect.poll(() => lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ code: 'CONFIG_INVALID' });
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain('SECRETSECRET');
    expect(ring.state(0)).toEqual(before);
    expect(await outcomeOf(openTokenKeyRing(dir, GRACE))).toBe('CONFIG_INVALID');
  });

  it('a spoiled first key file is CONFIG_INVALID at start, naming the file, not quoting it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-token-ring-'));
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'attestation-token.jwk.json'), '{"kty":"EC","d":"SECRETSECRET"');
    const failure = await openTokenKeyRing(dir, GRACE).then(
      () => null,
      (err: unknown) => err as DfsError,
    );
    expect(failure?.code).toBe('CONFIG_INVALID');
    expect(failure?.message).toContain('attestation-token.jwk.json');
    expect(failure?.message).not.toContain('SECRETSECRET');
  });
});
