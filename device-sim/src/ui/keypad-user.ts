import type { Key } from './display.js';
import type { Frame, PhoneUser } from './native-ui.js';

const DIGIT = /^[0-9]$/;
const MAX_PIN = 12;
const MIN_PIN = 4;

type Prompt = { kind: 'confirm'; answer: (ok: boolean) => void } | { kind: 'pin'; answer: (pin: string) => void };

/** What the native PIN pad shows while it waits: which prompt, and how many digits are typed (never which). */
export interface KeypadState {
  waiting?: 'confirm' | 'pin';
  digits: number;
}

/**
 * The person at the keypad, as the native UI sees them: keys routed to the top layer answer its prompts.
 * On a confirmation OK (Enter, right soft key) confirms and the left soft key cancels; on the PIN pad
 * digits are collected (left soft key deletes one) and OK hands them to the native UI, which passes them
 * to the eSE; they are kept nowhere else and shown only as a count.
 */
export class KeypadUser implements PhoneUser {
  #prompt?: Prompt;
  #digits: string[] = [];

  constructor(private readonly changed: (state: KeypadState) => void = () => {}) {}

  /** The prompt waiting for an answer and the number of PIN digits typed. */
  get state(): KeypadState {
    return { ...(this.#prompt ? { waiting: this.#prompt.kind } : {}), digits: this.#digits.length };
  }

  confirm(_frame: Frame): Promise<boolean> {
    return new Promise((answer) => this.#ask({ kind: 'confirm', answer }));
  }

  enterPin(_frame: Frame): Promise<string> {
    return new Promise((answer) => this.#ask({ kind: 'pin', answer }));
  }

  /** A key the compositor routed to the native top layer. */
  key(k: Key): void {
    const p = this.#prompt;
    if (!p) return;
    const ok = k === 'Enter' || k === 'SoftRight';
    if (p.kind === 'confirm' && (ok || k === 'SoftLeft')) {
      this.#prompt = undefined;
      p.answer(ok);
    } else if (p.kind === 'pin' && DIGIT.test(k) && this.#digits.length < MAX_PIN) this.#digits.push(k);
    else if (p.kind === 'pin' && k === 'SoftLeft') this.#digits.pop();
    else if (p.kind === 'pin' && ok && this.#digits.length >= MIN_PIN) {
      const pin = this.#digits.join('');
      this.#digits = [];
      this.#prompt = undefined;
      p.answer(pin);
    } else return;
    this.changed(this.state);
  }

  /** Drops an unanswered prompt and the digits typed (the screen was lost to a call, or the action ended). */
  drop(): void {
    this.#prompt = undefined;
    this.#digits = [];
    this.changed(this.state);
  }

  #ask(prompt: Prompt): void {
    this.#digits = [];
    this.#prompt = prompt;
    this.changed(this.state);
  }
}
