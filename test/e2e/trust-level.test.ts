import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../../device-sim/src/profiles.js';
import { balance } from '../../cli/threats/scenarios/setup.js';
import type { World } from '../../cli/world.js';
import { codeOf } from '../support/expect-code.js';
import { claimEse, rewriteAttestation } from '../support/forgery.js';
import { testStack } from '../support/stack.js';
import { levelFromRecord } from '../support/weakened.js';

type Env = Awaited<ReturnType<typeof testStack>>;

/** The firmware software attestation key every eSE-less phone carries: what the attacker re-signs with. */
const softwareKey = async (world: World) => (await world.oem.manufacture(profile('no-ese'))).softwareAttestation!;

/** An eSE-less phone whose firmware claims an eSE, re-signed by `signer`; enrolled, funded, with a merchant. */
async function forgedPhone(world: World, signer: Awaited<ReturnType<typeof softwareKey>>, funds = 200_000) {
  const phone = await world.phone('no-ese', { wrapKeystore: claimEse(signer) });
  const wallet = world.newId('wallet');
  const merchant = world.newId('merchant');
  return {
    phone,
    wallet,
    merchant,
    enroll: async () => {
      const e = await phone.daemon.enroll(wallet);
      await world.openWallet(wallet, e.deviceId, funds, 'KES');
      await world.openMerchant(merchant, 'KES');
      return e;
    },
  };
}

describe('security level from the chain: a software key claiming an eSE (003 R2; docs/ATTESTATION.md)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'control: the same forged record signed by a genuine eSE batch ' +
      'key enrolls HIGH (the forgery reaches the level control)',
    async () => {
      const { signer } = await env.world.oem.batchSigner();
      const f = await forgedPhone(env.world, signer);
      expect((await f.enroll()).tier).toBe('HIGH');
    },
  );

  it('untampered: an eSE-less phone enrolls LOW', async () => {
    expect((await (await env.world.phone('no-ese')).daemon.enroll(env.world.newId('wallet'))).tier).toBe('LOW');
  });

  it(
    'attack: the record re-signed with the firmware software ' + 'key is refused ATTESTATION_SECURITY_LEVEL_MISMATCH',
    async () => {
      const f = await forgedPhone(env.world, await softwareKey(env.world));
      expect(await codeOf(f.enroll())).toBe('ATTESTATION_SECURITY_LEVEL_MISMATCH');
    },
  );
});

describe('sabotage: level taken from the record (deriveLevel: levelFromRecord)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack({}, undefined, { attestation: { deriveLevel: levelFromRecord } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the software-signed forgery enrolls HIGH and pays 150,000 where LOW caps a payment at 5,000', async () => {
    const f = await forgedPhone(env.world, await softwareKey(env.world));
    expect((await f.enroll()).tier).toBe('HIGH');
    const result = await f.phone.daemon.pay({ payee: f.merchant, amount: { minorUnits: '150000', currency: 'KES' } });
    expect(result.status).toBe('POSTED');
    expect(await balance(env.world, f.merchant)).toBe(150_000);
  });
});

describe(
  'reported facts bound to signed facts: boot key, ' + 'firmware manifest, daemon signer (docs/ATTESTATION.md)',
  () => {
    let env: Env;
    beforeAll(async () => {
      env = await testStack();
    });
    afterAll(async () => {
      await env?.close();
    });
    const enroll = (phone: Awaited<ReturnType<World['phone']>>) => phone.daemon.enroll(env.world.newId('wallet'));

    it('untampered: a genuine phone, and its record re-signed unchanged by its batch key, enroll HIGH', async () => {
      expect((await enroll(await env.world.phone('secure'))).tier).toBe('HIGH');
      const { signer } = await env.world.oem.batchSigner();
      expect(
        (await enroll(await env.world.phone('secure', { wrapKeystore: rewriteAttestation(signer, () => {}) }))).tier,
      ).toBe('HIGH');
    });

    it('a daemon package signed by another certificate is ATTESTATION_APP_SIGNER_MISMATCH', async () => {
      const repackaged = {
        ...env.world.oem.daemonApplication(),
        signatureDigest: createHash('sha256').update("a repackager's certificate").digest('hex'),
      };
      expect(await codeOf(enroll(await env.world.phone('secure', { application: repackaged })))).toBe(
        'ATTESTATION_APP_SIGNER_MISMATCH',
      );
    });

    it(
      'a boot key hash this model does not ship with is ' +
        'ATTESTATION_BOOT_KEY_UNKNOWN (even under a genuine batch key)',
      async () => {
        const { signer } = await env.world.oem.batchSigner();
        const phone = await env.world.phone('secure', {
          wrapKeystore: rewriteAttestation(signer, (r) => {
            r.rootOfTrust.verifiedBootKeyHash = 'b'.repeat(64);
          }),
        });
        expect(await codeOf(enroll(phone))).toBe('ATTESTATION_BOOT_KEY_UNKNOWN');
      },
    );

    it(
      'a patch level newer than the OEM-signed firmware manifest is ' +
        'ATTESTATION_PATCH_LEVEL_MISMATCH; an edited manifest is ATTESTATION_FIRMWARE_UNSIGNED',
      async () => {
        const { signer } = await env.world.oem.batchSigner();
        const claims = await env.world.phone('outdated-patch', {
          wrapKeystore: rewriteAttestation(signer, (r) => {
            r.patchLevel = { os: 202610, vendor: 202610, boot: 202610 };
          }),
        });
        expect(await codeOf(enroll(claims))).toBe('ATTESTATION_PATCH_LEVEL_MISMATCH');
        const edited = await env.world.phone('outdated-patch', {
          wrapKeystore: rewriteAttestation(signer, (r) => {
            r.patchLevel = { os: 202610, vendor: 202610, boot: 202610 };
            r.firmware!.patchLevel = 202610;
          }),
        });
        expect(await codeOf(enroll(edited))).toBe('ATTESTATION_FIRMWARE_UNSIGNED');
      },
    );
  },
);
