import { DfsError } from '../../../../kit/src/errors.js';
import { generateSigningKey, type SigningKey } from '../../../../kit/src/keys.js';

/** Where each key of the ring stands; retired keys are published until `removeAtMs`. */
export interface KeyRingState {
  current: string;
  next: string;
  retired: { kid: string; retiredAtMs: number; removeAtMs: number }[];
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
  remove(kid: string, now: number): KeyRingState;
  state(now: number): KeyRingState;
}

/**
 * A key ring in process memory: current + next + retired. A retired key stays published for
 * `graceMs` (at least the token lifetime, so tokens it signed live out their TTL), then disappears.
 */
export async function tokenKeyRing(
  initial: SigningKey,
  graceMs: number,
  generate: () => Promise<SigningKey> = async () => (await generateSigningKey()).key,
): Promise<TokenKeyRing> {
  let current = initial;
  let next = await generate();
  let retired: { key: SigningKey; retiredAtMs: number; removeAtMs: number }[] = [];
  const prune = (now: number) => {
    retired = retired.filter((r) => r.removeAtMs > now);
  };
  const state = (now: number): KeyRingState => {
    prune(now);
    return {
      current: current.kid,
      next: next.kid,
      retired: retired.map((r) => ({ kid: r.key.kid, retiredAtMs: r.retiredAtMs, removeAtMs: r.removeAtMs })),
    };
  };
  return {
    current: () => current,
    published(now) {
      prune(now);
      return [current, next, ...retired.map((r) => r.key)];
    },
    async rotate(now, opts = {}) {
      const fresh = await generate();
      if (!opts.retireNow) retired.push({ key: current, retiredAtMs: now, removeAtMs: now + graceMs });
      current = next;
      next = fresh;
      return state(now);
    },
    remove(kid, now) {
      prune(now);
      if (!retired.some((r) => r.key.kid === kid)) throw new DfsError('ATTESTATION_TOKEN_KEY_NOT_FOUND');
      retired = retired.filter((r) => r.key.kid !== kid);
      return state(now);
    },
    state,
  };
}
