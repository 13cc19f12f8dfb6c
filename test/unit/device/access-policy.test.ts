import { describe, expect, it } from 'vitest';
import { AccessPolicy, appCaller, BROKER, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { codeOf, recorder } from './support.js';

describe('access policy: DAC/SELinux/seccomp stand-in (000 §Memory isolation and access control)', () => {
  it('lets a process call the APIs of its row', () => {
    const policy = new AccessPolicy(undefined, recorder());
    expect(() => policy.check(PAYMENT_DAEMON, 'keystore')).not.toThrow();
    expect(() => policy.check(SYSTEM, 'fota.apply')).not.toThrow();
    expect(() => policy.check(BROKER, 'nfc.web')).not.toThrow();
  });

  it('denies by default: a web app has no row, so every device API is refused and logged with its code', async () => {
    const log = recorder();
    const policy = new AccessPolicy(undefined, log);
    const app = appCaller('evil.app', 10_001);
    for (const api of ['keystore', 'pin', 'nfc.lock', 'camera.control', 'native-ui', 'safeguard.read'] as const) {
      expect(await codeOf(() => policy.check(app, api))).toBe('DEVICE_ACCESS_DENIED');
    }
    expect(log.entries).toHaveLength(6);
    expect(log.entries[0]).toMatchObject({
      code: 'DEVICE_ACCESS_DENIED',
      process: 'app:evil.app',
      uid: 10_001,
      api: 'keystore',
    });
  });

  it('refuses a process that claims a privileged name under the wrong UID', async () => {
    const policy = new AccessPolicy(undefined, recorder());
    expect(await codeOf(() => policy.check({ process: 'payment-daemon', uid: 10_050 }, 'keystore'))).toBe(
      'DEVICE_ACCESS_DENIED',
    );
    expect(policy.isNative({ process: 'payment-daemon', uid: 10_050 })).toBe(false);
    expect(policy.isNative(PAYMENT_DAEMON)).toBe(true);
  });

  it('refuses an API outside the row, even for a native process', async () => {
    const policy = new AccessPolicy(undefined, recorder());
    expect(await codeOf(() => policy.check(PAYMENT_DAEMON, 'fota.apply'))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => policy.check(BROKER, 'keystore'))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => policy.check({ process: 'toString', uid: 0 }, 'keystore'))).toBe('DEVICE_ACCESS_DENIED');
  });
});
