import type { ErrorCode } from '../../../kit/src/errors.js';
import type { AccessPolicy, Caller } from '../access-policy.js';
import { renderFrame, type Frame } from './frame.js';

/** Keypad keys of a feature phone. */
export type Key =
  | 'Back'
  | 'End'
  | 'Call'
  | 'Enter'
  | 'SoftLeft'
  | 'SoftRight'
  | 'Up'
  | 'Down'
  | 'Left'
  | 'Right'
  | '*'
  | '#'
  | `${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;
export type Visibility = 'visible' | 'hidden';

/** Whoever receives input and visibility events: the native top-layer owner or the foreground web app. */
export interface InputTarget {
  onKey(key: Key): void;
  onVisibility(state: Visibility): void;
}

interface ForegroundApp extends InputTarget {
  appId: string;
  secureDisplay: boolean;
  frame: Frame;
}

/** What the compositor does for a protected screen (the native top layer, or a secure-display app). */
export interface ScreenGuard {
  /** The code refusing a dialog over a protected screen, or null to draw it above. */
  overlay(caller: Caller): ErrorCode | null;
  /** A screenshot of a protected screen: blank (no image, no message) or captured. */
  screenshot(caller: Caller): 'blank' | 'capture';
}

/** The production guard (seed 000 §Disable screenshot and overlay): no overlay, blank screenshots. */
export const PROTECTED_SCREEN: ScreenGuard = { overlay: () => 'UI_OVERLAY_REFUSED', screenshot: () => 'blank' };

const same = (a: Caller, b: Caller) => a.process === b.process && a.uid === b.uid;
const SYSTEM_KEYS: ReadonlySet<Key> = new Set(['Back', 'End']);

/**
 * The compositor (seed 000 §Native UI, §Disable screenshot and overlay): the native top layer is
 * above everything and cannot be overlaid; screenshots of it, or of a `secure-display` app, yield
 * nothing and show no message; keys go to the top-layer owner except Back and End, which go to the
 * system; an incoming call sends a visibility change to the app and to the top-layer owner.
 */
export class Display {
  #top?: { owner: Caller; frame?: Frame; target: InputTarget };
  #app?: ForegroundApp;
  readonly #overlays: Frame[] = [];
  readonly #overTop: Frame[] = [];
  /** System messages shown on screen (e.g. "screenshot saved to ..."). */
  readonly toasts: string[] = [];
  /** Keys the system app received. */
  readonly systemKeys: Key[] = [];
  #shots = 0;

  constructor(
    private readonly policy: AccessPolicy,
    private readonly guard: ScreenGuard = PROTECTED_SCREEN,
  ) {}

  /** A native caller takes the top layer; one owner at a time, everyone else is refused as an overlay. */
  claimTop(owner: Caller, target: InputTarget): void {
    this.policy.check(owner, 'native-ui');
    if (this.#top && !same(this.#top.owner, owner)) this.policy.refuse(owner, 'native-ui', 'UI_OVERLAY_REFUSED');
    this.#top = { owner, target, frame: this.#top?.frame };
  }

  /** Draws on the top layer; only its owner may. */
  drawTop(owner: Caller, frame: Frame): void {
    this.policy.check(owner, 'native-ui');
    if (!this.#top || !same(this.#top.owner, owner)) this.policy.refuse(owner, 'native-ui', 'UI_OVERLAY_REFUSED');
    this.#top.frame = frame;
  }

  /** Gives the top layer back. */
  releaseTop(owner: Caller): void {
    if (!this.#top || !same(this.#top.owner, owner)) return;
    this.#top = undefined;
    this.#overTop.length = 0;
  }

  /** The broker brings a web app to the foreground. */
  setForeground(caller: Caller, app: ForegroundApp): void {
    this.policy.check(caller, 'display.app');
    this.#app = app;
    this.#overlays.length = 0;
  }

  /** A dialog, activity or notification over the screen: refused over the native layer and over secure-display apps. */
  overlay(caller: Caller, frame: Frame): void {
    this.policy.check(caller, caller.process === 'system' ? 'display.system' : 'display.app');
    const refused = this.#top || this.#app?.secureDisplay ? this.guard.overlay(caller) : null;
    if (refused) this.policy.refuse(caller, 'display.overlay', refused);
    (this.#top ? this.#overTop : this.#overlays).push(frame);
  }

  /** The *# screenshot: the composed screen, or null with no message when the screen is secure. */
  screenshot(caller: Caller): string | null {
    this.policy.check(caller, 'screenshot');
    if ((this.#top || this.#app?.secureDisplay) && this.guard.screenshot(caller) === 'blank') return null;
    this.toasts.push(`screenshot saved to /sdcard/DCIM/screenshot-${++this.#shots}.png`);
    return this.composed();
  }

  /** What is visible now, top layer first. */
  composed(): string {
    if (this.#top?.frame) return [this.#top.frame, ...this.#overTop].map(renderFrame).join('\n');
    return [this.#app?.frame, ...this.#overlays]
      .filter((f): f is Frame => Boolean(f))
      .map(renderFrame)
      .join('\n');
  }

  /** A key press from the keypad (EventHub). */
  pressKey(key: Key): void {
    if (SYSTEM_KEYS.has(key)) {
      this.systemKeys.push(key);
      return;
    }
    (this.#top?.target ?? this.#app)?.onKey(key);
  }

  /** The modem rings: the foreground app and the top-layer owner go to the background. */
  incomingCall(caller: Caller): void {
    this.policy.check(caller, 'telephony');
    this.#app?.onVisibility('hidden');
    this.#top?.target.onVisibility('hidden');
  }

  /** The top layer's current owner, if any. */
  get topOwner(): Caller | undefined {
    return this.#top && { ...this.#top.owner };
  }
}
