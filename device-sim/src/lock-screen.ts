import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessPolicy, Caller } from './access-policy.js';

const digest = (pin: string) => createHash('sha256').update(`lockscreen:${pin}`).digest();

/**
 * The phone's lock screen: a PIN the OS keeps (not the eSE's payment PIN), switched on or off
 * through the `lockscreen.settings` device API, which only the system (Settings app) holds.
 */
export class LockScreen {
  readonly #digest: Buffer;
  #enabled = true;

  constructor(
    private readonly policy: AccessPolicy,
    pin: string,
  ) {
    this.#digest = digest(pin);
  }

  /** True while the phone asks for the lock-screen PIN. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Switches the lock screen on or off (Settings, or whatever else holds `lockscreen.settings`). */
  setEnabled(caller: Caller, on: boolean): void {
    this.policy.check(caller, 'lockscreen.settings');
    this.#enabled = on;
  }

  /** Whether `pin` opens the lock screen (always true while it is off). */
  unlock(pin: string): boolean {
    return !this.#enabled || timingSafeEqual(digest(pin), this.#digest);
  }
}
