import { DfsError } from '../../../kit/src/errors.js';
import type { Caller } from '../access-policy.js';
import type { Display, Key, Visibility } from './display.js';
import type { Frame } from './frame.js';

export { renderFrame, type Frame } from './frame.js';

/** Answers the native UI's prompts on behalf of the person holding the phone. */
export interface PhoneUser {
  /** Confirm (true) or cancel (false) what the frame shows. */
  confirm(frame: Frame): Promise<boolean>;
  /** Types the PIN on the keypad. */
  enterPin(frame: Frame): Promise<string>;
}

/**
 * A native caller's session on the top layer (seed 000 §Native UI): it claims the layer before
 * drawing (native callers only), receives the keys routed to it and the visibility change of an
 * incoming call, and keeps what it drew as frames for the demo narration.
 */
export class NativeUi {
  readonly frames: Frame[] = [];
  readonly #frameListeners: ((frame: Frame) => void)[] = [];
  readonly #keyListeners: ((key: Key) => void)[] = [];
  #hiddenWaiters: (() => void)[] = [];
  #generation = 0;

  constructor(
    private readonly user: PhoneUser,
    private readonly display: Display,
    private readonly owner: Caller,
  ) {}

  /** Draws a frame on the top layer, claiming it first. */
  show(frame: Frame): void {
    this.display.claimTop(this.owner, { onKey: (k) => this.#onKey(k), onVisibility: (v) => this.#onVisibility(v) });
    this.display.drawTop(this.owner, frame);
    this.frames.push(frame);
    for (const l of this.#frameListeners) l(frame);
  }

  /** Gives the top layer back to the screen below. */
  release(): void {
    this.display.releaseTop(this.owner);
  }

  /** Calls `listener` with each frame drawn from now on. */
  onFrame(listener: (frame: Frame) => void): void {
    this.#frameListeners.push(listener);
  }

  /** Calls `listener` with each key the compositor routes to this session. */
  onKey(listener: (key: Key) => void): void {
    this.#keyListeners.push(listener);
  }

  /** Resolves at the next visibility loss (an incoming call). */
  nextHidden(): Promise<void> {
    return new Promise((resolve) => this.#hiddenWaiters.push(resolve));
  }

  #onKey(key: Key): void {
    for (const l of this.#keyListeners) l(key);
  }

  #onVisibility(state: Visibility): void {
    if (state !== 'hidden') return;
    this.#generation++;
    const waiters = this.#hiddenWaiters;
    this.#hiddenWaiters = [];
    for (const w of waiters) w();
  }

  /** Shows a confirmation screen and waits for OK or Back. */
  async confirm(frame: Frame): Promise<boolean> {
    this.show(frame);
    return this.user.confirm(frame);
  }

  /**
   * Shows the PIN pad; the digits go straight to `sink` (the eSE)
   * and are drawn masked, never kept. A call meanwhile drops them.
   */
  async collectPin<T>(frame: Frame, sink: (pin: string) => T): Promise<T> {
    const generation = this.#generation;
    this.show(frame);
    const pin = await this.user.enterPin(frame);
    if (generation !== this.#generation) throw new DfsError('PAYMENT_CANCELLED');
    this.show({ title: frame.title, lines: [...frame.lines, `PIN: ${'*'.repeat(pin.length)}`] });
    return sink(pin);
  }
}

/** A scripted user for demos and tests: always confirms, types the given PIN. */
export function scriptedUser(pin: string, confirm = true): PhoneUser {
  return { confirm: async () => confirm, enterPin: async () => pin };
}
