import { describe, expect, it } from 'vitest';
import {
  AccessPolicy,
  appCaller,
  BROKER,
  OPERATOR_DAEMON,
  PAYMENT_DAEMON,
  SYSTEM,
} from '../../../device-sim/src/access-policy.js';
import { Display, type Key } from '../../../device-sim/src/ui/display.js';
import { NativeUi, scriptedUser } from '../../../device-sim/src/ui/native-ui.js';
import { codeOf, recorder, testPhone } from './support.js';

const frame = { title: 'DFS Pay: confirm', lines: ['Pay KES 12.50'] };
const setup = () => {
  const display = new Display(new AccessPolicy(undefined, recorder()));
  const ui = new NativeUi(scriptedUser('2580'), display, PAYMENT_DAEMON);
  return { display, ui };
};
const foreground = (display: Display, secureDisplay: boolean, keys: Key[] = [], events: string[] = []) =>
  display.setForeground(BROKER, {
    appId: 'shop',
    secureDisplay,
    frame: { title: 'Shop', lines: [] },
    onKey: (k) => keys.push(k),
    onVisibility: (v) => events.push(v),
  });

describe('native UI top layer (000 §Native UI)', () => {
  it('refuses every overlay while the native layer is shown', async () => {
    const { display, ui } = setup();
    ui.show(frame);
    expect(await codeOf(() => display.overlay(SYSTEM, { title: 'notification', lines: [] }))).toBe(
      'UI_OVERLAY_REFUSED',
    );
    expect(await codeOf(() => display.overlay(BROKER, { title: 'phishing dialog', lines: [] }))).toBe(
      'UI_OVERLAY_REFUSED',
    );
    expect(
      await codeOf(() =>
        new NativeUi(scriptedUser('0'), display, OPERATOR_DAEMON).show({ title: 'fake PIN pad', lines: [] }),
      ),
    ).toBe('UI_OVERLAY_REFUSED');
    expect(display.composed()).toContain('Pay KES 12.50');
  });

  it('yields nothing and shows no message when the native layer is screenshotted', () => {
    const { display, ui } = setup();
    ui.show(frame);
    expect(display.screenshot(SYSTEM)).toBeNull();
    expect(display.toasts).toEqual([]);
    ui.release();
    foreground(display, false);
    expect(display.screenshot(SYSTEM)).toContain('Shop');
    expect(display.toasts).toHaveLength(1);
  });

  it('is reachable by native callers only', async () => {
    const display = new Display(new AccessPolicy(undefined, recorder()));
    expect(await codeOf(() => new NativeUi(scriptedUser('0'), display, appCaller('shop', 10_001)).show(frame))).toBe(
      'DEVICE_ACCESS_DENIED',
    );
    expect(await codeOf(() => new NativeUi(scriptedUser('0'), display, BROKER).show(frame))).toBe(
      'DEVICE_ACCESS_DENIED',
    );
  });

  it('sends keys to the calling daemon only, except Back and End which go to the system', () => {
    const { display, ui } = setup();
    const daemonKeys: Key[] = [];
    const appKeys: Key[] = [];
    foreground(display, false, appKeys);
    ui.onKey((k) => daemonKeys.push(k));
    ui.show(frame);
    for (const k of ['2', '5', 'Enter', 'Back', 'End'] as Key[]) display.pressKey(k);
    expect(daemonKeys).toEqual(['2', '5', 'Enter']);
    expect(display.systemKeys).toEqual(['Back', 'End']);
    expect(appKeys).toEqual([]);
  });

  it('masks the PIN on screen and hands the digits only to the sink', async () => {
    const { ui } = setup();
    const got: string[] = [];
    await ui.collectPin(frame, (pin) => got.push(pin));
    expect(got).toEqual(['2580']);
    expect(ui.frames.at(-1)?.lines.at(-1)).toBe('PIN: ****');
    expect(JSON.stringify(ui.frames)).not.toContain('2580');
  });
});

describe('secure-display apps and incoming calls (000 §Disable screenshot and overlay)', () => {
  it('gives a secure-display app no screenshot (silently) and no overlay', async () => {
    const { display } = setup();
    foreground(display, true);
    expect(display.screenshot(SYSTEM)).toBeNull();
    expect(display.toasts).toEqual([]);
    expect(await codeOf(() => display.overlay(BROKER, { title: 'activity', lines: [] }))).toBe('UI_OVERLAY_REFUSED');
  });

  it('takes secure-display from the manifest when the system launches the app', async () => {
    const phone = await testPhone();
    const pkg = await phone.kaiStore.publish(
      {
        id: 'bank',
        name: 'Bank',
        type: 'web',
        version: 1,
        permissions: { 'secure-display': { description: 'no screenshots' } },
      },
      { 'index.html': Buffer.from('x') },
    );
    await phone.installer.install(SYSTEM, pkg);
    phone.installer.launch(SYSTEM, 'bank');
    expect(phone.display.screenshot(SYSTEM)).toBeNull();
  });

  it('delivers a visibility change to the foreground app and to the native owner when a call comes in', async () => {
    const { display, ui } = setup();
    const events: string[] = [];
    foreground(display, true, [], events);
    ui.show(frame);
    const hidden = ui.nextHidden();
    display.incomingCall(SYSTEM);
    await hidden;
    expect(events).toEqual(['hidden']);
    expect(await codeOf(() => display.incomingCall(appCaller('shop', 10_001)))).toBe('DEVICE_ACCESS_DENIED');
  });
});
