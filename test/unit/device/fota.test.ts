import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appCaller, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { applyDiff, makeDiff, signManifest, verifyManifest } from '../../../device-sim/src/firmware.js';
import { API_VERSION, BASELINE_VERSION } from '../../../device-sim/src/fota.js';
import { FIRMWARE_VERSION } from '../../../device-sim/src/oem.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { byteRange } from '../../../services/fota/src/domain/releases.js';
import { codeOf, testOem, testPhone } from './support.js';

const claims = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));

describe("FOTA primitives and the phone's firmware state (000 §Kai FOTA, §Secure patch level)", () => {
  it(
    'a differential rebuilds the target from its base, is small ' +
      'when versions share bytes, and never inflates past the limit',
    () => {
      const base = randomBytes(20_000);
      const target = Buffer.from(base);
      target.write('patched', 100);
      const diff = makeDiff(base, target);
      expect(applyDiff(base, diff, 1 << 20).equals(target)).toBe(true);
      expect(diff.length).toBeLessThan(target.length / 10);
      expect(applyDiff(randomBytes(20_000), diff, 1 << 20).equals(target)).toBe(false);
      expect(() => applyDiff(base, diff, 1000)).toThrow(expect.objectContaining({ code: 'FOTA_PACKAGE_TAMPERED' }));
    },
  );

  it('a manifest verifies under the release key only', async () => {
    const oem = await testOem();
    const { manifest } = await oem.release(FIRMWARE_VERSION);
    expect((await verifyManifest(manifest, oem.buildKeys.releasePublic)).version).toBe(FIRMWARE_VERSION);
    expect(await codeOf(() => verifyManifest(manifest, oem.buildKeys.bootPublic))).toBe('FOTA_SIGNATURE_INVALID');
    const rogue = (await generateSigningKey()).key;
    expect(
      await codeOf(async () =>
        verifyManifest(await signManifest(rogue, claims(manifest)), oem.buildKeys.releasePublic),
      ),
    ).toBe('FOTA_SIGNATURE_INVALID');
  });

  it(
    'reports baseline 2.6, API 26 and the OS version and ' + "patch level of the running slot's signed manifest",
    async () => {
      const platform = (await testPhone('outdated-patch')).fota.platform();
      expect(platform).toEqual({
        baseline: BASELINE_VERSION,
        apiVersion: API_VERSION,
        kaiSecurityPatch: 1031,
        osVersion: '2.6.1.1',
        securityPatchLevel: 202301,
      });
      expect((await testPhone('old-release')).ese!.powerOnState()!.patchLevel).toEqual({
        os: 202604,
        vendor: 202604,
        boot: 202604,
      });
    },
  );

  it(
    'lets only the system process check for or apply updates, ' +
      'and only native callers read the anti-rollback status',
    async () => {
      const phone = await testPhone();
      expect(await codeOf(() => phone.fota.check(PAYMENT_DAEMON))).toBe('DEVICE_ACCESS_DENIED');
      expect(await codeOf(() => phone.fota.install(PAYMENT_DAEMON, { manifest: 'x', path: '/v1/packages/x' }))).toBe(
        'DEVICE_ACCESS_DENIED',
      );
      expect(await codeOf(async () => phone.fota.status(appCaller('shop', 10_003)))).toBe('DEVICE_ACCESS_DENIED');
      expect(phone.fota.status(SYSTEM)).toEqual({
        antiRollback: true,
        rollbackIndex: FIRMWARE_VERSION,
        installedVersion: FIRMWARE_VERSION,
        activeSlot: 'a',
      });
    },
  );

  it('never lowers the rollback index', async () => {
    const phone = await testPhone();
    phone.ese!.raiseRollbackIndex(1);
    expect(phone.ese!.rollbackIndex).toBe(FIRMWARE_VERSION);
  });

  it('powers a rolled-back phone on in the failed state (flashed below the eSE floor)', async () => {
    const phone = await testPhone('rolled-back');
    expect(phone.boot).toEqual({ state: 'failed', failedStage: 'bootloader' });
    expect(phone.ese!.powerOnState()!.rollbackIndex).toBe(FIRMWARE_VERSION - 1);
  });

  it('parses byte ranges for resumable downloads and refuses unsatisfiable ones', () => {
    expect(byteRange(undefined, 100)).toBeUndefined();
    expect(byteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(byteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=5-1', 'items=0-1', 'bytes=-5'])
      expect(() => byteRange(bad, 100)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
