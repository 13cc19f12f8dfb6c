import { describe, expect, it } from 'vitest';
import {
  cachedStanding,
  standingGate,
  type DeviceStanding,
} from '../../../services/transaction/src/domain/device-standing.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';

const codeOf = (p: Promise<unknown>) => p.then(() => 'ACCEPTED', errorCodeOf);

/** A registry standing in for the attestation service: one device, a clock, and a count of the questions asked. */
function registry(maxAgeMs: number) {
  const clock = { now: 1_000_000 };
  const state: { standing: DeviceStanding; asked: number; down: boolean } = {
    standing: { status: 'ACTIVE', notBeforeMs: 0 },
    asked: 0,
    down: false,
  };
  const cache = cachedStanding(
    async () => {
      state.asked += 1;
      if (state.down) throw new Error('unreachable');
      return { ...state.standing };
    },
    { maxAgeMs, now: () => clock.now },
  );
  return { clock, state, cache, check: standingGate(cache.standing) };
}

describe('device standing at authorization: the staleness bound (DEVICE_STATUS_MAX_AGE_MS)', () => {
  const IAT = 999_000;

  it('with no event, a revocation is honoured at most maxAgeMs after the standing was last read', async () => {
    const r = registry(5000);
    await r.check('dev-1', IAT);
    r.state.standing = { status: 'REVOKED', notBeforeMs: r.clock.now };
    r.clock.now += 4999;
    expect(await codeOf(r.check('dev-1', IAT))).toBe('ACCEPTED');
    r.clock.now += 1;
    expect(await codeOf(r.check('dev-1', IAT))).toBe('DEVICE_REVOKED');
    expect(r.state.asked).toBe(2);
  });

  it('a device event makes the very next check ask the registry (bound = event delivery)', async () => {
    const r = registry(60_000);
    await r.check('dev-1', IAT);
    r.state.standing = { status: 'REVOKED', notBeforeMs: r.clock.now };
    r.cache.forget('dev-1');
    expect(await codeOf(r.check('dev-1', IAT))).toBe('DEVICE_REVOKED');
  });

  it('an answer to a question asked before a device event is used by its callers but not remembered', async () => {
    const r = registry(60_000);
    let answer: (s: DeviceStanding) => void = () => {};
    const gated = cachedStanding(() => new Promise<DeviceStanding>((resolve) => (answer = resolve)), {
      maxAgeMs: 60_000,
      now: () => r.clock.now,
    });
    const before = gated.standing('dev-1');
    gated.forget('dev-1');
    answer({ status: 'ACTIVE', notBeforeMs: 0 });
    expect(await before).toEqual({ status: 'ACTIVE', notBeforeMs: 0 });
    const after = gated.standing('dev-1');
    answer({ status: 'REVOKED', notBeforeMs: r.clock.now });
    expect(await codeOf(standingGate(() => after)('dev-1', IAT))).toBe('DEVICE_REVOKED');
  });

  it('fresh asks the registry whatever is remembered (a step-up confirmation), and keeps what it hears', async () => {
    const r = registry(60_000);
    await r.check('dev-1', IAT);
    r.state.standing = { status: 'REVOKED', notBeforeMs: r.clock.now };
    expect(await codeOf(r.check('dev-1', IAT))).toBe('ACCEPTED');
    expect(await codeOf(standingGate(r.cache.fresh)('dev-1', IAT))).toBe('DEVICE_REVOKED');
    expect(r.state.asked).toBe(2);
    expect(await codeOf(r.check('dev-1', IAT))).toBe('DEVICE_REVOKED');
    expect(r.state.asked).toBe(2);
  });

  it('a burst of concurrent authorizations of one device asks the registry once', async () => {
    const r = registry(5000);
    await Promise.all(Array.from({ length: 200 }, () => r.check('dev-1', IAT)));
    expect(r.state.asked).toBe(1);
  });

  it('maxAgeMs 0 asks the registry on every authorization', async () => {
    const r = registry(0);
    for (let i = 0; i < 3; i++) await r.check('dev-1', IAT);
    expect(r.state.asked).toBe(3);
  });

  it(
    'REATTEST, a token older than the last revocation, an unknown ' +
      'device, and an unreachable registry each have their code',
    async () => {
      const r = registry(0);
      r.state.standing = { status: 'REATTEST', notBeforeMs: 0 };
      expect(await codeOf(r.check('dev-1', IAT))).toBe('DEVICE_REATTESTATION_REQUIRED');
      r.state.standing = { status: 'ACTIVE', notBeforeMs: IAT + 400 };
      expect(await codeOf(r.check('dev-1', IAT))).toBe('TOKEN_REVOKED');
      expect(await codeOf(r.check('dev-1', IAT + 399))).toBe('TOKEN_REVOKED');
      expect(await codeOf(r.check('dev-1', IAT + 400))).toBe('ACCEPTED');
      r.state.standing = { status: 'UNKNOWN', notBeforeMs: 0 };
      expect(await codeOf(r.check('dev-1', IAT))).toBe('TOKEN_REVOKED');
      r.state.down = true;
      expect(await codeOf(r.check('dev-1', IAT))).toBe('DEVICE_STATUS_UNAVAILABLE');
    },
  );
});
