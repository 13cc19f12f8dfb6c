import type { JWK } from 'jose';
import { DfsError } from '../../../../kit/src/errors.js';
import { generateSigningKey, type SigningKey } from '../../../../kit/src/keys.js';

/** Where each key of the ring stands; retired keys are published until `removeAtMs`. */
export interface KeyRingState {
  current: string;
  next: string;
  retired: { kid: string; retiredAtMs: number; removeAtMs: number }[];
}

/** A key of the ring with its private JWK (what the ring file keeps). */
export interface RingKey {
  key: SigningKey;
  privateJwk: JWK;
}

/** The whole ring as it is kept across restarts: its keys, and the ids removed for good. */
export interface RingContents {
  current: RingKey;
  next: RingKey;
  retired: { key: RingKey; retiredAtMs: number; removeAtMs: number }[];
  /** Keys taken out before their time (rotation with `retireNow`, removal): never used or published again. */
  removed: string[];
}

/** The rotating set of attestation-token signing keys. */
export interface TokenKeyRing {
  /** The key that signs new tokens. */
  current(): SigningKey;
  /**
   * What the JWKS publishes: current, next (so verifiers know
   * it before it signs) and retired keys in their grace period.
   */
  published(now: number): SigningKey[];
  /** next becomes current, a fresh next is made, the old current is retired (removed now with `retireNow`). */
  rotate(now: number, opts?: { retireNow?: boolean }): Promise<KeyRingState>;
  /** Removes a retired key from the JWKS at once (compromise); tokens it signed stop verifying. */
  remove(kid: string, now: number): Promise<KeyRingState>;
  state(now: number): KeyRingState;
  /** Takes the ring another process of the same state directory saved, as it is (nothing is saved). */
  adopt(contents: RingContents): void;
}

export interface TokenKeyRingOptions {
  /** How long a retired key stays published (at least the token lifetime). */
  graceMs: number;
  /** Makes a fresh key (generateSigningKey unless a test injects another). */
  generate?: () => Promise<RingKey>;
  /** Keeps the ring (the ring file): called at start and after every change, before the change is answered. */
  save?: (contents: RingContents) => Promise<void>;
}

const freshKey = async (): Promise<RingKey> => generateSigningKey();

/**
 * The ring at start from what was kept (`saved`, or just the initial key): a removed key is never
 * brought back, a removed current or next is replaced by a fresh key, expired retired keys are dropped.
 */
async function startContents(
  saved: Partial<RingContents> & { current: RingKey },
  generate: () => Promise<RingKey>,
  now: number,
): Promise<RingContents> {
  const removed = [...new Set(saved.removed ?? [])];
  const live = (k: RingKey | undefined) => (k && !removed.includes(k.key.kid) ? k : undefined);
  return {
    current: live(saved.current) ?? (await generate()),
    next: live(saved.next) ?? (await generate()),
    retired: (saved.retired ?? []).filter((r) => r.removeAtMs > now && live(r.key)),
    removed,
  };
}

/**
 * A key ring: current + next + retired. A retired key stays published for `graceMs` (at least the
 * token lifetime, so tokens it signed live out their TTL), then disappears; one removed before its time
 * (compromise) is remembered as removed. Every change is saved before it is answered (`save`), so a
 * restart starting from what was saved neither signs with nor publishes a removed key again.
 */
export async function tokenKeyRing(
  saved: Partial<RingContents> & { current: RingKey },
  opts: TokenKeyRingOptions,
  now = Date.now(),
): Promise<TokenKeyRing> {
  const generate = opts.generate ?? freshKey;
  const ring = await startContents(saved, generate, now);
  let saving: Promise<void> = Promise.resolve();
  /** Saves in call order: the last write is always the latest ring. */
  const save = () => {
    const snapshot: RingContents = { ...ring, retired: [...ring.retired], removed: [...ring.removed] };
    saving = saving.catch(() => {}).then(() => opts.save?.(snapshot));
    return saving;
  };
  await save();
  const prune = (at: number) => {
    ring.retired = ring.retired.filter((r) => r.removeAtMs > at);
  };
  const state = (at: number): KeyRingState => {
    prune(at);
    return {
      current: ring.current.key.kid,
      next: ring.next.key.kid,
      retired: ring.retired.map((r) => ({ kid: r.key.key.kid, retiredAtMs: r.retiredAtMs, removeAtMs: r.removeAtMs })),
    };
  };
  return {
    current: () => ring.current.key,
    published(at) {
      prune(at);
      return [ring.current.key, ring.next.key, ...ring.retired.map((r) => r.key.key)];
    },
    async rotate(at, rotation = {}) {
      const fresh = await generate();
      if (rotation.retireNow) ring.removed.push(ring.current.key.kid);
      else ring.retired.push({ key: ring.current, retiredAtMs: at, removeAtMs: at + opts.graceMs });
      ring.current = ring.next;
      ring.next = fresh;
      await save();
      return state(at);
    },
    async remove(kid, at) {
      prune(at);
      if (!ring.retired.some((r) => r.key.key.kid === kid)) throw new DfsError('ATTESTATION_TOKEN_KEY_NOT_FOUND');
      ring.retired = ring.retired.filter((r) => r.key.key.kid !== kid);
      ring.removed.push(kid);
      await save();
      return state(at);
    },
    state,
    adopt(contents) {
      ring.current = contents.current;
      ring.next = contents.next;
      ring.retired = [...contents.retired];
      ring.removed = [...contents.removed];
    },
  };
}
