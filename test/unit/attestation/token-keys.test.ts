import { describe, expect, it } from 'vitest';
import { DfsError } from '../../../kit/src/errors.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { tokenKeyRing } from '../../../services/attestation/src/domain/token-keys.js';

const kids = (keys: { kid: string }[]) => keys.map((k) => k.kid);

describe('token key ring: current + next + retired', () => {
  it('publishes current and next; rotation promotes next and retires current for the grace period', async () => {
    const initial = (await generateSigningKey()).key;
    const ring = await tokenKeyRing(initial, 10_000);
    const s0 = ring.state(0);
    expect(s0.current).toBe(initial.kid);
    expect(kids(ring.published(0))).toEqual([initial.kid, s0.next]);

    const s1 = await ring.rotate(1000);
    expect(s1.current).toBe(s0.next);
    expect(ring.current().kid).toBe(s0.next);
    expect(s1.retired).toEqual([{ kid: initial.kid, retiredAtMs: 1000, removeAtMs: 11_000 }]);
    expect(kids(ring.published(10_999))).toEqual([s1.current, s1.next, initial.kid]);
    expect(kids(ring.published(11_000))).toEqual([s1.current, s1.next]);
  });

  it('retires at once on request, and removes a retired key on request (compromise)', async () => {
    const ring = await tokenKeyRing((await generateSigningKey()).key, 60_000);
    const first = ring.current().kid;
    const s1 = await ring.rotate(0, { retireNow: true });
    expect(kids(ring.published(0))).not.toContain(first);
    await ring.rotate(1);
    expect(kids(ring.published(1))).toContain(s1.current);
    ring.remove(s1.current, 2);
    expect(kids(ring.published(2))).not.toContain(s1.current);
  });

  it('refuses to remove a key that is not retired (ATTESTATION_TOKEN_KEY_NOT_FOUND)', async () => {
    const ring = await tokenKeyRing((await generateSigningKey()).key, 60_000);
    let code = 'ACCEPTED';
    try {
      ring.remove(ring.current().kid, 0);
    } catch (err) {
      code = err instanceof DfsError ? err.code : 'OTHER';
    }
    expect(code).toBe('ATTESTATION_TOKEN_KEY_NOT_FOUND');
  });
});
