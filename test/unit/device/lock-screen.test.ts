import { describe, expect, it } from 'vitest';
import { AccessPolicy, BROKER, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { LockScreen } from '../../../device-sim/src/lock-screen.js';
import { UsbPort } from '../../../device-sim/src/usb.js';
import { codeOf, recorder } from './support.js';

describe('lock screen and USB shell (002 §4.4 iii)', () => {
  it('opens with its PIN only; the system (Settings) may turn it off, then it opens without one', () => {
    const lock = new LockScreen(new AccessPolicy(undefined, recorder()), '4711');
    expect([lock.enabled, lock.unlock('0000'), lock.unlock('4711')]).toEqual([true, false, true]);
    lock.setEnabled(SYSTEM, false);
    expect([lock.enabled, lock.unlock('0000')]).toEqual([false, true]);
  });

  it(
    'the USB shell, the broker and the payment daemon may ' + 'not turn it off (DEVICE_ACCESS_DENIED), and it stays on',
    async () => {
      const lock = new LockScreen(new AccessPolicy(undefined, recorder()), '4711');
      expect(await codeOf(() => new UsbPort(lock).disableLockScreen())).toBe('DEVICE_ACCESS_DENIED');
      expect(await codeOf(() => lock.setEnabled(BROKER, false))).toBe('DEVICE_ACCESS_DENIED');
      expect(await codeOf(() => lock.setEnabled(PAYMENT_DAEMON, false))).toBe('DEVICE_ACCESS_DENIED');
      expect(lock.enabled).toBe(true);
    },
  );
});
