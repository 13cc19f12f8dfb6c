import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOOT_STAGES, efuseHash, signImage, verifyBootChain, type BootImage } from '../../../device-sim/src/boot.js';
import { generateEcKeyPair } from '../../../kit/src/x509.js';
import { testPhone } from './support.js';

describe('trusted boot (000 §Trusted boot)', () => {
  let oem: CryptoKeyPair;
  let efuse: string;
  let images: BootImage[];
  beforeAll(async () => {
    oem = await generateEcKeyPair(false);
    efuse = await efuseHash(oem.publicKey);
    images = await Promise.all(
      BOOT_STAGES.map((s) =>
        signImage(oem.privateKey, s, 3, randomBytes(s === 'system' || s === 'vendor' ? 3 * 4096 + 17 : 512)),
      ),
    );
  });

  it('verifies an untouched chain ROM -> bootloader -> fdl -> U-Boot -> kernel -> system/vendor', async () => {
    expect(await verifyBootChain(images, efuse, oem.publicKey)).toEqual({ state: 'verified', version: 3 });
  });

  it.each(BOOT_STAGES)('fails at the %s stage when its image is modified after signing', async (stage) => {
    const tampered = images.map((i) =>
      i.stage === stage ? { ...i, payload: Buffer.concat([i.payload, Buffer.from('implant')]) } : i,
    );
    expect(await verifyBootChain(tampered, efuse, oem.publicKey)).toMatchObject({
      state: 'failed',
      failedStage: stage,
    });
  });

  it.each(['system', 'vendor'] as const)(
    'catches one flipped byte deep inside the %s verity partition',
    async (stage) => {
      const tampered = images.map((i) => {
        if (i.stage !== stage) return i;
        const payload = Buffer.from(i.payload);
        payload[2 * 4096 + 5]! ^= 0x01;
        return { ...i, payload };
      });
      expect(await verifyBootChain(tampered, efuse, oem.publicKey)).toMatchObject({
        state: 'failed',
        failedStage: stage,
      });
    },
  );

  it('fails when a stage is missing or its version was relabelled', async () => {
    expect(
      await verifyBootChain(
        images.filter((i) => i.stage !== 'fdl'),
        efuse,
        oem.publicKey,
      ),
    ).toMatchObject({ state: 'failed', failedStage: 'fdl' });
    expect(
      await verifyBootChain(
        images.map((i) => (i.stage === 'uboot' ? { ...i, version: 9 } : i)),
        efuse,
        oem.publicKey,
      ),
    ).toMatchObject({ state: 'failed', failedStage: 'uboot' });
  });

  it(
    'fails at the bootloader when the boot key does not ' + 'match the eFuse hash (images re-signed by an attacker)',
    async () => {
      const rogue = await generateEcKeyPair(false);
      const resigned = await Promise.all(images.map((i) => signImage(rogue.privateKey, i.stage, i.version, i.payload)));
      expect(await verifyBootChain(resigned, efuse, rogue.publicKey)).toMatchObject({
        state: 'failed',
        failedStage: 'bootloader',
      });
      expect(await verifyBootChain(images, await efuseHash(rogue.publicKey), oem.publicKey)).toMatchObject({
        state: 'failed',
        failedStage: 'bootloader',
      });
    },
  );

  it('powers a tampered-boot phone on in the failed state that attestation reports', async () => {
    const phone = await testPhone('tampered-boot');
    expect(phone.boot).toEqual({ state: 'failed', failedStage: 'kernel' });
    expect(phone.ese!.powerOnState()!.rootOfTrust.verifiedBootState).toBe('failed');
    expect((await testPhone('secure')).ese!.powerOnState()!.rootOfTrust.verifiedBootState).toBe('verified');
  });
});
