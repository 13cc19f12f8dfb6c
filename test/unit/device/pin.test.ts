import { CompactSign, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { PAYMENT_DAEMON, appCaller } from '../../../device-sim/src/access-policy.js';
import { PIN_RESET } from '../../../contracts/device.js';
import { codeOf, fakeBackend, testOem, testPhone } from './support.js';

describe('PIN in the eSE (000 §KeyStore; R1, R5)', () => {
  it('verifies, counts wrong tries, and locks after the default 5 so even the right PIN is refused', async () => {
    const phone = await testPhone();
    const api = phone.eseApi;
    for (let i = 1; i <= 4; i++) expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '0000'))).toBe('PIN_WRONG');
    expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '0000'))).toBe('PIN_LOCKED');
    expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '2580'))).toBe('PIN_LOCKED');
    expect(phone.ese!.pin.triesLeft).toBe(0);
  });

  it('honours a configured retry limit and resets the counter on success', async () => {
    const phone = await testPhone('secure', { pinMaxTries: 3 });
    const api = phone.eseApi;
    await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '1111'));
    api.verifyPin(PAYMENT_DAEMON, '2580');
    expect(phone.ese!.pin.triesLeft).toBe(3);
    await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '1111'));
    await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '1111'));
    expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '1111'))).toBe('PIN_LOCKED');
  });

  it('changes the PIN only with the old one, and refuses a second set', async () => {
    const phone = await testPhone();
    const api = phone.eseApi;
    expect(await codeOf(() => api.changePin(PAYMENT_DAEMON, '9999', '1357'))).toBe('PIN_WRONG');
    api.changePin(PAYMENT_DAEMON, '2580', '1357');
    expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '2580'))).toBe('PIN_WRONG');
    api.verifyPin(PAYMENT_DAEMON, '1357');
    expect(await codeOf(() => api.setPin(PAYMENT_DAEMON, '4444'))).toBe('PIN_ALREADY_SET');
    expect(await codeOf(() => api.changePin(PAYMENT_DAEMON, '1357', '12'))).toBe('INVALID_ARGUMENT');
  });

  it('refuses PIN calls from anyone but the native daemon', async () => {
    const phone = await testPhone();
    expect(await codeOf(() => phone.eseApi.verifyPin(appCaller('shop', 10_001), '2580'))).toBe('DEVICE_ACCESS_DENIED');
    expect(phone.ese!.pin.triesLeft).toBe(5);
  });

  it(
    'unlocks only with a backend-signed reset for this ' + 'phone and this nonce, after which a new PIN is set',
    async () => {
      const oem = await testOem();
      const phone = await testPhone();
      const api = phone.eseApi;
      for (let i = 0; i < 5; i++) await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '0000'));
      const nonce = api.pinResetNonce(PAYMENT_DAEMON);

      const attacker = await generateKeyPair('ES256');
      const forged = await new CompactSign(
        new TextEncoder().encode(JSON.stringify({ imei: phone.imei, nonce, exp: Math.floor(Date.now() / 1000) + 60 })),
      )
        .setProtectedHeader({ alg: 'ES256', typ: PIN_RESET.typ })
        .sign(attacker.privateKey);
      expect(await codeOf(() => api.resetPin(PAYMENT_DAEMON, forged))).toBe('PIN_RESET_INVALID');
      expect(
        await codeOf(async () => api.resetPin(PAYMENT_DAEMON, await oem.signPinReset('356938035643809', nonce))),
      ).toBe('PIN_RESET_INVALID');
      expect(
        await codeOf(async () => api.resetPin(PAYMENT_DAEMON, await oem.signPinReset(phone.imei, 'not-the-nonce'))),
      ).toBe('PIN_RESET_INVALID');
      expect(
        await codeOf(async () => api.resetPin(PAYMENT_DAEMON, await oem.signPinReset(phone.imei, nonce, -10))),
      ).toBe('PIN_RESET_INVALID');
      expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '2580'))).toBe('PIN_LOCKED');

      const reset = await oem.signPinReset(phone.imei, nonce);
      await api.resetPin(PAYMENT_DAEMON, reset);
      expect(await codeOf(() => api.resetPin(PAYMENT_DAEMON, reset))).toBe('PIN_RESET_INVALID');
      expect(await codeOf(() => api.verifyPin(PAYMENT_DAEMON, '2580'))).toBe('PIN_NOT_SET');
      api.setPin(PAYMENT_DAEMON, '8642');
      api.verifyPin(PAYMENT_DAEMON, '8642');
    },
  );

  it('never lets the PIN reach the network, the screen or the backend during a payment', async () => {
    const backend = await fakeBackend();
    const phone = await testPhone('secure', { pin: '739146', backend });
    await phone.daemon.enroll('wallet-pin');
    await phone.daemon.pay({ payee: 'merchant-1', amount: { minorUnits: '100', currency: 'KES' } });
    const wire = JSON.stringify([backend.enrolls, backend.payments], (_k, v: unknown) =>
      Buffer.isBuffer(v) ? v.toString('base64') : v,
    );
    expect(wire).not.toContain('739146');
    expect(JSON.stringify(phone.ui.frames)).not.toContain('739146');
    expect(phone.ui.frames.some((f) => f.lines.includes('PIN: ******'))).toBe(true);
  });
});
