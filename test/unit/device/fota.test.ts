import { describe, expect, it } from 'vitest';
import { appCaller, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { API_VERSION, BASELINE_VERSION, signUpdate } from '../../../device-sim/src/fota.js';
import { FIRMWARE_VERSION } from '../../../device-sim/src/oem.js';
import { CURRENT_PATCH } from '../../../device-sim/src/profiles.js';
import { generateEcKeyPair } from '../../../kit/src/x509.js';
import { codeOf, testOem, testPhone } from './support.js';

describe('anti-rollback and Kai FOTA (000 §Kai FOTA, §Secure patch level)', () => {
  it('installs an OEM-signed newer package and raises the rollback index in the eSE', async () => {
    const oem = await testOem();
    const phone = await testPhone();
    await phone.fota.applyUpdate(SYSTEM, await oem.buildUpdate(FIRMWARE_VERSION + 1, CURRENT_PATCH + 1));
    expect(phone.fota.status(PAYMENT_DAEMON)).toEqual({ antiRollback: true, rollbackIndex: FIRMWARE_VERSION + 1, installedVersion: FIRMWARE_VERSION + 1 });
    expect(phone.ese!.rollbackIndex).toBe(FIRMWARE_VERSION + 1);
    expect(phone.fota.platform().securityPatchLevel).toBe(CURRENT_PATCH + 1);
  });

  it('refuses an update to a lower or equal version (FOTA_ROLLBACK_REFUSED)', async () => {
    const oem = await testOem();
    const phone = await testPhone();
    expect(await codeOf(async () => phone.fota.applyUpdate(SYSTEM, await oem.buildUpdate(FIRMWARE_VERSION - 1, CURRENT_PATCH)))).toBe('FOTA_ROLLBACK_REFUSED');
    expect(await codeOf(async () => phone.fota.applyUpdate(SYSTEM, await oem.buildUpdate(FIRMWARE_VERSION, CURRENT_PATCH)))).toBe('FOTA_ROLLBACK_REFUSED');
    expect(phone.ese!.rollbackIndex).toBe(FIRMWARE_VERSION);
  });

  it('refuses flashing an older image with the PC flash tool', async () => {
    const oem = await testOem();
    const phone = await testPhone();
    const old = await oem.buildUpdate(FIRMWARE_VERSION - 1, CURRENT_PATCH);
    expect(await codeOf(() => phone.fota.flash(old.images, CURRENT_PATCH))).toBe('FOTA_ROLLBACK_REFUSED');
    await phone.fota.flash((await oem.buildUpdate(FIRMWARE_VERSION, CURRENT_PATCH)).images, CURRENT_PATCH);
  });

  it('refuses an unsigned, re-signed or tampered package (FOTA_SIGNATURE_INVALID)', async () => {
    const oem = await testOem();
    const phone = await testPhone();
    const good = await oem.buildUpdate(FIRMWARE_VERSION + 2, CURRENT_PATCH);
    const rogue = await generateEcKeyPair(false);
    const resigned = await signUpdate(rogue.privateKey, good.version, good.patchLevel, good.images);
    expect(await codeOf(() => phone.fota.applyUpdate(SYSTEM, resigned))).toBe('FOTA_SIGNATURE_INVALID');
    expect(await codeOf(() => phone.fota.applyUpdate(SYSTEM, { ...good, signature: new Uint8Array(64) }))).toBe('FOTA_SIGNATURE_INVALID');
    expect(await codeOf(() => phone.fota.applyUpdate(SYSTEM, { ...good, patchLevel: good.patchLevel + 1 }))).toBe('FOTA_SIGNATURE_INVALID');
    const implanted = good.images.map((i) => (i.stage === 'kernel' ? { ...i, payload: Buffer.concat([i.payload, Buffer.from('x')]) } : i));
    expect(await codeOf(() => phone.fota.flash(implanted, CURRENT_PATCH))).toBe('FOTA_SIGNATURE_INVALID');
    expect(phone.ese!.rollbackIndex).toBe(FIRMWARE_VERSION);
  });

  it('lets only the system process apply updates, and only native callers read the anti-rollback status', async () => {
    const oem = await testOem();
    const phone = await testPhone();
    const pkg = await oem.buildUpdate(FIRMWARE_VERSION + 3, CURRENT_PATCH);
    expect(await codeOf(() => phone.fota.applyUpdate(PAYMENT_DAEMON, pkg))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => phone.fota.status(appCaller('shop', 10_003)))).toBe('DEVICE_ACCESS_DENIED');
  });

  it('never lowers the rollback index', async () => {
    const phone = await testPhone();
    phone.ese!.raiseRollbackIndex(1);
    expect(phone.ese!.rollbackIndex).toBe(FIRMWARE_VERSION);
  });

  it('powers a rolled-back phone on in the failed state (flashed below the eSE floor)', async () => {
    const phone = await testPhone('rolled-back');
    expect(phone.boot.state).toBe('failed');
    expect(phone.ese!.powerOnState()!.rollbackIndex).toBe(FIRMWARE_VERSION - 1);
  });

  it('reports baseline 2.6, API 26 and the security patch level', async () => {
    const platform = (await testPhone('outdated-patch')).fota.platform();
    expect(platform).toEqual({ baseline: BASELINE_VERSION, apiVersion: API_VERSION, kaiSecurityPatch: 1031, securityPatchLevel: 202301 });
    expect([BASELINE_VERSION, API_VERSION]).toEqual(['2.6', 26]);
  });
});
