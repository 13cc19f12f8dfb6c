import type { Caller } from './access-policy.js';
import type { LockScreen } from './lock-screen.js';

/** The process a USB debug connection runs commands as (adb's shell user). */
export const USB_SHELL: Caller = { process: 'shell', uid: 2000 };

/**
 * What a USB cable reaches on the phone: a shell running as `USB_SHELL`, whose commands meet the
 * device access policy like any other process's (seed 002 §4.2: KaiOS phones rooted or unlocked
 * over USB; the NCC finding disabled the lock-screen PIN that way).
 */
export class UsbPort {
  constructor(private readonly lock: LockScreen) {}

  /** `settings put secure lockscreen.enabled 0` over the cable. */
  disableLockScreen(): void {
    this.lock.setEnabled(USB_SHELL, false);
  }
}
