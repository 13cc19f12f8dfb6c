import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../../device-sim/src/profiles.js';
import { balance } from '../../cli/threats/scenarios/setup.js';
import type { World } from '../../cli/world.js';
import { codeOf } from '../support/expect-code.js';
import { claimEse } from '../support/forgery.js';
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
  return { phone, wallet, merchant, enroll: async () => {
    const e = await phone.daemon.enroll(wallet);
    await world.openWallet(wallet, e.deviceId, funds, 'KES');
    await world.openMerchant(merchant, 'KES');
    return e;
  } };
}

describe('security level from the chain: a software key claiming an eSE (003 R2; docs/ATTESTATION.md)', () => {
  let env: Env;
  beforeAll(async () => { env = await testStack(); });
  afterAll(async () => { await env?.close(); });

  it('control: the same forged record signed by a genuine eSE batch key enrolls HIGH (the forgery reaches the level control)', async () => {
    const { signer } = await env.world.oem.batchSigner();
    const f = await forgedPhone(env.world, signer);
    expect((await f.enroll()).tier).toBe('HIGH');
  });

  it('untampered: an eSE-less phone enrolls LOW', async () => {
    expect((await (await env.world.phone('no-ese')).daemon.enroll(env.world.newId('wallet'))).tier).toBe('LOW');
  });

  it('attack: the record re-signed with the firmware software key is refused ATTESTATION_SECURITY_LEVEL_MISMATCH', async () => {
    const f = await forgedPhone(env.world, await softwareKey(env.world));
    expect(await codeOf(f.enroll())).toBe('ATTESTATION_SECURITY_LEVEL_MISMATCH');
  });
});

describe('sabotage: level taken from the record (deriveLevel: levelFromRecord)', () => {
  let env: Env;
  beforeAll(async () => { env = await testStack({}, undefined, { attestation: { deriveLevel: levelFromRecord } }); });
  afterAll(async () => { await env?.close(); });

  it('the software-signed forgery enrolls HIGH and pays 150,000 where LOW caps a payment at 5,000', async () => {
    const f = await forgedPhone(env.world, await softwareKey(env.world));
    expect((await f.enroll()).tier).toBe('HIGH');
    const result = await f.phone.daemon.pay({ payee: f.merchant, amount: { minorUnits: '150000', currency: 'KES' } });
    expect(result.status).toBe('POSTED');
    expect(await balance(env.world, f.merchant)).toBe(150_000);
  });
});
