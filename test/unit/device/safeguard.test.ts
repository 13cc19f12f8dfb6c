import { describe, expect, it } from 'vitest';
import { appCaller, BROKER, PAYMENT_DAEMON } from '../../../device-sim/src/access-policy.js';
import { SecureElement } from '../../../device-sim/src/ese/secure-element.js';
import { luhnDigit } from '../../../device-sim/src/imei.js';
import { PROFILES } from '../../../device-sim/src/profiles.js';
import { environmentOf, safetyCheck } from '../../../device-sim/src/safeguard.js';
import { codeOf, testPhone } from './support.js';

const secureEnv = environmentOf(PROFILES.secure!);

describe('safeguard (000 §Safeguard)', () => {
  it('writes IMEI, model and serial at the factory, then provision-locks them: a second write fails', async () => {
    const phone = await testPhone();
    expect(phone.ese!.provisionLocked).toBe(true);
    expect(phone.ese!.identity()?.imei).toBe(phone.imei);
    expect(await codeOf(() => phone.ese!.writeIdentity({ imei: phone.imei, model: 'Rogue', serial: 'X' }))).toBe(
      'ESE_PROVISION_LOCKED',
    );
    expect(await codeOf(() => phone.ese!.injectAttestationKey({ key: {} as CryptoKey, chain: [] }))).toBe(
      'ESE_PROVISION_LOCKED',
    );
    expect(await codeOf(() => phone.ese!.installResetKey({} as CryptoKey))).toBe('ESE_PROVISION_LOCKED');
    expect(phone.ese!.identity()?.model).toBe('KaiPhone 4G');
  });

  it('refuses an IMEI that fails the Luhn check', async () => {
    const ese = new SecureElement();
    const body = '35693803564380';
    const wrong = (luhnDigit(body) + 1) % 10;
    expect(await codeOf(() => ese.writeIdentity({ imei: body + wrong, model: 'm', serial: 's' }))).toBe(
      'INVALID_ARGUMENT',
    );
    ese.writeIdentity({ imei: body + luhnDigit(body), model: 'm', serial: 's' });
  });

  it('records the power-on verdict once: the app side cannot rewrite it', async () => {
    const phone = await testPhone('rooted');
    const state = phone.ese!.powerOnState()!;
    expect(await codeOf(() => phone.ese!.recordPowerOn({ ...state, safety: { ...state.safety, rooted: false } }))).toBe(
      'ESE_PROVISION_LOCKED',
    );
    expect(phone.ese!.powerOnState()!.safety.rooted).toBe(true);
  });

  it('detects root, adb debug, emulator, developer mode and non-user builds from the environment', () => {
    expect(safetyCheck(secureEnv)).toEqual({
      rooted: false,
      debug: false,
      emulator: false,
      developerMode: false,
      buildType: 'user',
    });
    const props = (p: Record<string, string>) => ({ ...secureEnv, props: { ...secureEnv.props, ...p } });
    expect(safetyCheck({ ...secureEnv, files: ['/system/xbin/su'] }).rooted).toBe(true);
    expect(safetyCheck(props({ 'persist.sys.usb.config': 'mtp,adb' })).debug).toBe(true);
    expect(safetyCheck(props({ 'ro.hardware': 'goldfish' })).emulator).toBe(true);
    expect(safetyCheck(props({ 'persist.kaios.devmode': '1' })).developerMode).toBe(true);
    expect(safetyCheck(props({ 'ro.build.type': 'userdebug' })).buildType).toBe('userdebug');
    expect(safetyCheck(props({ 'ro.build.type': 'something' })).buildType).toBe('eng');
  });

  it.each([
    ['rooted', 'rooted'],
    ['emulator', 'emulator'],
    ['debug', 'debug'],
    ['dev-mode', 'developerMode'],
  ] as const)('reports the %s profile as unsafe to native callers', async (profile, flag) => {
    const phone = await testPhone(profile);
    const verdict = phone.safeguard.check(PAYMENT_DAEMON);
    expect(verdict.safe).toBe(false);
    expect(verdict.safety[flag]).toBe(true);
    expect((await testPhone('secure')).safeguard.check(PAYMENT_DAEMON).safe).toBe(true);
  });

  it('answers native callers only: web apps and the broker are refused', async () => {
    const phone = await testPhone();
    expect(await codeOf(() => phone.safeguard.check(appCaller('shop', 10_001)))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => phone.safeguard.check(BROKER))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => phone.eseApi.safeguard(BROKER))).toBe('DEVICE_ACCESS_DENIED');
    expect(phone.eseApi.safeguard(PAYMENT_DAEMON).identity?.imei).toBe(phone.imei);
  });

  it('still runs the safety check on a phone without an eSE', async () => {
    const phone = await testPhone('no-ese');
    expect(phone.safeguard.check(PAYMENT_DAEMON).safe).toBe(true);
  });
});
