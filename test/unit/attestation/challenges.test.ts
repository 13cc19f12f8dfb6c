import { describe, expect, it } from 'vitest';
import { DfsError } from '../../../kit/src/errors.js';
import { checkConsumed, newChallenge } from '../../../services/attestation/src/domain/challenges.js';
import { memoryAttestationStore } from '../../../services/attestation/src/store/memory.js';

const who = { purpose: 'enroll', binding: 'bootstrap:factory-bootstrap' };
const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ACCEPTED';
  } catch (err) {
    return err instanceof DfsError ? err.code : 'OTHER';
  }
};

describe('challenges: random, single-use, short-lived, bound to their requester', () => {
  it('are 32 random bytes with a unique id and the requested TTL', () => {
    const a = newChallenge(who, 120, 1000);
    const b = newChallenge(who, 120, 1000);
    expect(Buffer.from(a.nonce, 'base64url')).toHaveLength(32);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.id).not.toBe(b.id);
    expect(a.expiresAtMs).toBe(121_000);
  });

  it('refuses a malformed purpose (INVALID_ARGUMENT)', () => {
    expect(codeOf(() => newChallenge({ ...who, purpose: 'Enroll;drop' }, 120, 0))).toBe('INVALID_ARGUMENT');
  });

  it('are consumed once: the second use is ATTESTATION_CHALLENGE_REUSED', async () => {
    const store = memoryAttestationStore();
    const c = newChallenge(who, 120, 0);
    await store.putChallenge(c);
    expect(checkConsumed(await store.consumeChallenge(c.id), who, 1).id).toBe(c.id);
    const again = await store.consumeChallenge(c.id);
    expect(codeOf(() => checkConsumed(again, who, 2))).toBe('ATTESTATION_CHALLENGE_REUSED');
  });

  it("refuses unknown, expired and another requester's challenges, each with its own code", () => {
    const c = newChallenge(who, 120, 0);
    expect(codeOf(() => checkConsumed(null, who, 0))).toBe('ATTESTATION_CHALLENGE_UNKNOWN');
    expect(codeOf(() => checkConsumed(c, who, 120_001))).toBe('ATTESTATION_CHALLENGE_EXPIRED');
    expect(codeOf(() => checkConsumed(c, who, 120_000))).toBe('ACCEPTED');
    expect(codeOf(() => checkConsumed(c, { ...who, binding: 'device:dev-1' }, 1))).toBe(
      'ATTESTATION_CHALLENGE_NOT_BOUND',
    );
    expect(codeOf(() => checkConsumed(c, { ...who, purpose: 'payment' }, 1))).toBe('ATTESTATION_CHALLENGE_NOT_BOUND');
  });
});
