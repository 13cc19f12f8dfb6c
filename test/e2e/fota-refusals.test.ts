import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../device-sim/src/access-policy.js';
import { BOOT_STAGES, signImage } from '../../device-sim/src/boot.js';
import { FotaManifest } from '../../contracts/firmware.js';
import { encodeImages, sha256hex, signManifest } from '../../device-sim/src/firmware.js';
import {
  DEFAULT_FOTA_LIMITS,
  oemFirmwareTrust,
  type FirmwareTrust,
  type FotaTransport,
  type UpdateOffer,
} from '../../device-sim/src/fota.js';
import type { Phone } from '../../device-sim/src/phone.js';
import { generateSigningKey } from '../../kit/src/keys.js';
import { firmwareManifestBytes } from '../../kit/src/attestation-record.js';
import { EC_P256, generateEcKeyPair, subtle } from '../../kit/src/x509.js';
import { codeOf } from '../support/expect-code.js';
import { testStack } from '../support/stack.js';

type Env = Awaited<ReturnType<typeof testStack>>;
const MODEL_PATH = `/v1/packages/${encodeURIComponent('KaiPhone 4G')}`;
const claims = (jws: string) =>
  FotaManifest.parse(JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')));
type Update = NonNullable<UpdateOffer['update']>;

/** A man in the middle of the FOTA channel (or a rogue FOTA server): rewrites offers and package bytes. */
function mitm(opts: {
  offer?: (o: Update, inner: FotaTransport) => Promise<Update>;
  bytes?: (b: Uint8Array, start: number) => Uint8Array;
  serve?: Buffer;
  ranges?: number[];
  failOnce?: number;
}) {
  return (inner: FotaTransport): FotaTransport => ({
    async check(model, version) {
      const o = await inner.check(model, version);
      if (!opts.offer) return o;
      const base = o.update ?? (await inner.check(model, 1)).update!;
      return { ...o, update: await opts.offer(base, inner) };
    },
    async fetchRange(path, start, end) {
      opts.ranges?.push(start);
      if (opts.failOnce !== undefined && start >= opts.failOnce) {
        opts.failOnce = undefined;
        throw new Error('connection reset');
      }
      if (opts.serve) return opts.serve.subarray(start, end + 1);
      const b = await inner.fetchRange(path, start, end);
      return opts.bytes ? opts.bytes(b, start) : b;
    },
  });
}

/**
 * What must not change when an update is refused: the running slot, its version and patch level, the rollback index.
 */
const snapshot = (p: Phone) => ({
  status: p.fota.status(SYSTEM),
  platform: p.fota.platform(),
  floor: p.ese!.rollbackIndex,
  powerOn: p.ese!.powerOnState(),
});

describe('FOTA packages are verified before anything is written; each refusal has its own code (000 §Kai FOTA)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'the same man in the middle, passing bytes through ' + 'unchanged, lets the genuine update install (control run)',
    async () => {
      const ranges: number[] = [];
      const phone = await env.world.phone('old-release', {
        wrapFota: mitm({ offer: async (o) => o, bytes: (b) => b, ranges }),
      });
      expect(await phone.update()).toMatchObject({ status: 'UPDATED', version: 3 });
      expect(ranges.length).toBeGreaterThan(0);
    },
  );

  it('tampered package bytes: FOTA_PACKAGE_TAMPERED, old slot keeps running', async () => {
    const phone = await env.world.phone('old-release', {
      wrapFota: mitm({
        bytes: (b, start) => {
          const c = Buffer.from(b);
          if (start === 0) c[c.length - 1]! ^= 0xff;
          return c;
        },
      }),
    });
    const before = snapshot(phone);
    expect(await codeOf(phone.update())).toBe('FOTA_PACKAGE_TAMPERED');
    expect(snapshot(phone)).toEqual(before);
    expect(before.status).toMatchObject({ installedVersion: 2, activeSlot: 'a', rollbackIndex: 2 });
  });

  it('a package signed by another key: FOTA_SIGNATURE_INVALID, old slot keeps running', async () => {
    const rogue = (await generateSigningKey()).key;
    const resign = async (o: Update) => ({
      ...o,
      full: { ...o.full, manifest: await signManifest(rogue, claims(o.full.manifest)) },
      ...(o.differential
        ? { differential: { ...o.differential, manifest: await signManifest(rogue, claims(o.differential.manifest)) } }
        : {}),
    });
    const phone = await env.world.phone('old-release', { wrapFota: mitm({ offer: resign }) });
    const before = snapshot(phone);
    expect(await codeOf(phone.update())).toBe('FOTA_SIGNATURE_INVALID');
    expect(snapshot(phone)).toEqual(before);
  });

  it('a differential built from another base: FOTA_DIFF_BASE_MISMATCH, old slot keeps running', async () => {
    // The phone runs release 1; the attacker passes off the genuine 2 -> 3 differential as one from 1.
    const otherBase = async (o: Update, inner: FotaTransport) => {
      const d = (await inner.check('KaiPhone 4G', 2)).update!.differential!;
      return { ...o, differential: { ...d, baseVersion: 1 } };
    };
    const phone = await env.world.phone('outdated-patch', { wrapFota: mitm({ offer: otherBase }) });
    const before = snapshot(phone);
    expect(await codeOf(phone.update())).toBe('FOTA_DIFF_BASE_MISMATCH');
    expect(snapshot(phone)).toEqual(before);
  });

  it('an older, genuinely OEM-signed release (downgrade): FOTA_ROLLBACK_REFUSED, old slot keeps running', async () => {
    const old = await env.world.oem.release(2);
    const downgrade = async (o: Update) => ({
      ...o,
      differential: undefined,
      full: { manifest: old.manifest, size: claims(old.manifest).packageSize, path: `${MODEL_PATH}/2/full` },
    });
    const phone = await env.world.phone('secure', { wrapFota: mitm({ offer: downgrade }) });
    const before = snapshot(phone);
    expect(await codeOf(phone.update())).toBe('FOTA_ROLLBACK_REFUSED');
    expect(snapshot(phone)).toEqual(before);
    expect(before.status).toMatchObject({ installedVersion: 3, rollbackIndex: 3 });
  });

  it('a package larger than the phone accepts: FOTA_PACKAGE_TOO_LARGE before any byte is fetched', async () => {
    const ranges: number[] = [];
    const phone = await env.world.phone('outdated-patch', {
      fotaLimits: { ...DEFAULT_FOTA_LIMITS, maxPackageBytes: 4096 },
      wrapFota: mitm({ ranges }),
    });
    expect(await codeOf(phone.update())).toBe('FOTA_PACKAGE_TOO_LARGE');
    expect(ranges).toEqual([]);
  });

  it('an interrupted download resumes where it stopped', async () => {
    const ranges: number[] = [];
    const phone = await env.world.phone('outdated-patch', {
      wrapFota: mitm({ ranges, failOnce: DEFAULT_FOTA_LIMITS.chunkBytes * 2 }),
    });
    expect(await codeOf(phone.update())).toBe('FOTA_DOWNLOAD_FAILED');
    const firstAttempt = ranges.length;
    expect(await phone.update()).toMatchObject({ status: 'UPDATED', version: 3, kind: 'full', fromVersion: 1 });
    expect(ranges.slice(0, firstAttempt)).toEqual([0, 8192, 16384]);
    expect(ranges[firstAttempt]).toBe(16384);
  });

  it(
    'an installed update that fails the boot chain: the phone ' +
      'falls back to the old slot and the rollback index is unchanged',
    async () => {
      // An OEM-signed manifest over images the boot ROM rejects (signed with a key whose hash is not in eFuse).
      const wrongBootKey = await generateEcKeyPair(false);
      const images = await Promise.all(
        BOOT_STAGES.map((stage) => signImage(wrongBootKey.privateKey, stage, 4, Buffer.alloc(1024, 4))),
      );
      const bytes = encodeImages(images);
      const firmwareSignature = Buffer.from(
        await subtle.sign(
          EC_P256,
          wrongBootKey.privateKey,
          firmwareManifestBytes(4, 202611, Buffer.from(sha256hex(bytes), 'hex')),
        ),
      ).toString('base64url');
      const m: FotaManifest = {
        model: 'KaiPhone 4G',
        version: 4,
        osVersion: '2.6.3.0',
        patchLevel: 202611,
        rollbackIndex: 4,
        imageSha256: sha256hex(bytes),
        imageSize: bytes.length,
        firmwareSignature,
        kind: 'full',
        packageSha256: sha256hex(bytes),
        packageSize: bytes.length,
      };
      const manifest = await signManifest(env.world.oem.buildKeys.release, m);
      const phone = await env.world.phone('old-release', {
        wrapFota: mitm({
          serve: bytes,
          offer: async (o) => ({
            ...o,
            version: 4,
            differential: undefined,
            full: { manifest, size: bytes.length, path: `${MODEL_PATH}/4/full` },
          }),
        }),
      });
      const before = snapshot(phone);
      expect(await codeOf(phone.update())).toBe('FOTA_BOOT_FAILED');
      const after = snapshot(phone);
      expect(after.status).toEqual(before.status);
      expect([after.floor, after.platform.securityPatchLevel, after.powerOn?.rootOfTrust.verifiedBootState]).toEqual([
        2,
        202604,
        'verified',
      ]);
    },
  );
});

describe('sabotage runs: with a firmware control switched off by injection, the attack succeeds', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'downgrade: without the anti-rollback control a current phone installs ' +
      'and boots the older release (patch 202604) and attests at LOW',
    async () => {
      const old = await env.world.oem.release(2);
      const noRollback = (key: CryptoKey): FirmwareTrust => ({
        ...oemFirmwareTrust(key),
        checkNewer: () => {},
        bootsAtFloor: () => true,
      });
      const phone = await env.world.phone('secure', { firmwareTrust: noRollback });
      expect(await phone.fota.install(SYSTEM, { manifest: old.manifest, path: `${MODEL_PATH}/2/full` })).toMatchObject({
        status: 'UPDATED',
        version: 2,
        patchLevel: 202604,
      });
      expect(phone.fota.platform().securityPatchLevel).toBe(202604);
      expect((await phone.daemon.enroll(env.world.newId('wallet'))).tier).toBe('LOW');
    },
  );

  it(
    'signature: without the release-key check, an attacker-signed manifest relabels April ' +
      'firmware as patch 202612 and the phone runs and reports it; the firmware manifest it ' +
      'attests is not build-key signed, so attestation refuses it (ATTESTATION_FIRMWARE_UNSIGNED)',
    async () => {
      const rogue = (await generateSigningKey()).key;
      const genuine = claims((await env.world.oem.release(2)).manifest);
      const forged = await signManifest(rogue, { ...genuine, patchLevel: 202612 });
      const unchecked = (key: CryptoKey): FirmwareTrust => ({
        ...oemFirmwareTrust(key),
        verifyManifest: async (jws) => claims(jws),
      });
      const control = await env.world.phone('outdated-patch');
      expect(await codeOf(control.fota.install(SYSTEM, { manifest: forged, path: `${MODEL_PATH}/2/full` }))).toBe(
        'FOTA_SIGNATURE_INVALID',
      );
      expect(control.fota.platform().securityPatchLevel).toBe(202301);
      const phone = await env.world.phone('outdated-patch', { firmwareTrust: unchecked });
      expect(await phone.fota.install(SYSTEM, { manifest: forged, path: `${MODEL_PATH}/2/full` })).toMatchObject({
        status: 'UPDATED',
        version: 2,
        patchLevel: 202612,
      });
      expect([phone.fota.activeSlot, phone.fota.platform().securityPatchLevel]).toEqual(['b', 202612]);
      expect(phone.ese?.powerOnState()?.patchLevel.os).toBe(202612);
      expect(await codeOf(phone.daemon.enroll(env.world.newId('wallet')))).toBe('ATTESTATION_FIRMWARE_UNSIGNED');
    },
  );
});
