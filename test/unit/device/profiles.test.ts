import { describe, expect, it } from 'vitest';
import { PAYMENT_DAEMON } from '../../../device-sim/src/access-policy.js';
import { PROFILES, profile } from '../../../device-sim/src/profiles.js';
import { testPhone } from './support.js';

const expected: Record<string, { boot: 'verified' | 'failed'; safe: boolean; ese: boolean }> = {
  secure: { boot: 'verified', safe: true, ese: true },
  'no-ese': { boot: 'verified', safe: true, ese: false },
  rooted: { boot: 'verified', safe: false, ese: true },
  emulator: { boot: 'verified', safe: false, ese: true },
  debug: { boot: 'verified', safe: false, ese: true },
  'dev-mode': { boot: 'verified', safe: false, ese: true },
  'outdated-patch': { boot: 'verified', safe: true, ese: true },
  'old-release': { boot: 'verified', safe: true, ese: true },
  'rolled-back': { boot: 'failed', safe: true, ese: true },
  'tampered-boot': { boot: 'failed', safe: true, ese: true },
};

describe('named phone configurations', () => {
  it('defines exactly the ten named profiles', () => {
    expect(Object.keys(PROFILES).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))(
    'builds and powers on "%s" with the boot state and safety verdict it stands for',
    async (name) => {
      const phone = await testPhone(name);
      const want = expected[name]!;
      expect(phone.boot.state).toBe(want.boot);
      expect(phone.safeguard.check(PAYMENT_DAEMON).safe).toBe(want.safe);
      expect(phone.eseApi.available).toBe(want.ese);
      expect(phone.daemon.securityLevel).toBe(want.ese ? 'ese' : 'software');
    },
  );

  it('refuses an unknown profile name', () => {
    expect(() => profile('jailbroken')).toThrow();
  });
});
