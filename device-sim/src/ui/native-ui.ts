/** One screen of the native UI layer, rendered as text for tests and the demo. */
export interface Frame {
  title: string;
  lines: string[];
}

/** Answers the native UI's prompts on behalf of the person holding the phone. */
export interface PhoneUser {
  /** Confirm (true) or cancel (false) what the frame shows. */
  confirm(frame: Frame): Promise<boolean>;
  /** Types the PIN on the keypad. */
  enterPin(frame: Frame): Promise<string>;
}

const WIDTH = 28;

/** Renders a frame as a 240x320 feature-phone screen in text. */
export function renderFrame(frame: Frame): string {
  const row = (s: string) => `│ ${s.slice(0, WIDTH - 2).padEnd(WIDTH - 2)} │`;
  const body = [...frame.lines];
  while (body.length < 8) body.push('');
  return [`┌${'─'.repeat(WIDTH)}┐`, row(frame.title), `├${'─'.repeat(WIDTH)}┤`, ...body.map(row), `└${'─'.repeat(WIDTH)}┘`].join('\n');
}

/**
 * The native UI top layer (seed 000 §Native UI): only the payment daemon draws on it, key events go
 * to it alone, and what it shows is kept as frames for the demo narration.
 */
export class NativeUi {
  readonly frames: Frame[] = [];
  #listeners: ((frame: Frame) => void)[] = [];

  constructor(private readonly user: PhoneUser) {}

  /** Draws a frame on the top layer. */
  show(frame: Frame): void {
    this.frames.push(frame);
    for (const l of this.#listeners) l(frame);
  }

  /** Calls `listener` with each frame drawn from now on. */
  onFrame(listener: (frame: Frame) => void): void {
    this.#listeners.push(listener);
  }

  /** Shows a confirmation screen and waits for OK or Back. */
  async confirm(frame: Frame): Promise<boolean> {
    this.show(frame);
    return this.user.confirm(frame);
  }

  /** Shows the PIN pad; the digits go to `sink` (the eSE) and are drawn masked, never kept. */
  async collectPin<T>(frame: Frame, sink: (pin: string) => T): Promise<T> {
    this.show(frame);
    const pin = await this.user.enterPin(frame);
    this.show({ title: frame.title, lines: [...frame.lines, `PIN: ${'*'.repeat(pin.length)}`] });
    return sink(pin);
  }
}

/** A scripted user for demos and tests: always confirms, types the given PIN. */
export function scriptedUser(pin: string, confirm = true): PhoneUser {
  return { confirm: async () => confirm, enterPin: async () => pin };
}
