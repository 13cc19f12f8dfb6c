import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../support/expect-code.js';
import { testStack } from '../support/stack.js';

/**
 * What the attestation service answers each named phone at
 * enrollment under the shipped policy (its specific refusal codes).
 */
const OUTCOMES: Record<string, { tier: string } | { code: string }> = {
  secure: { tier: 'HIGH' },
  'no-ese': { tier: 'LOW' },
  rooted: { code: 'ATTESTATION_DEVICE_ROOTED' },
  emulator: { code: 'ATTESTATION_EMULATOR' },
  debug: { code: 'ATTESTATION_DEBUG_ENABLED' },
  'dev-mode': { code: 'ATTESTATION_DEVELOPER_MODE' },
  'outdated-patch': { code: 'ATTESTATION_PATCH_TOO_OLD' },
  'rolled-back': { code: 'ATTESTATION_BOOT_UNVERIFIED' },
  'tampered-boot': { code: 'ATTESTATION_BOOT_UNVERIFIED' },
};

describe('named phone configurations against the embedded stack', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each(Object.entries(OUTCOMES))('enrolls "%s" with the expected tier or refusal code', async (name, outcome) => {
    const phone = await env.world.phone(name);
    const enrolling = phone.daemon.enroll(env.world.newId('wallet'));
    if ('tier' in outcome) expect((await enrolling).tier).toBe(outcome.tier);
    else expect(await codeOf(enrolling)).toBe(outcome.code);
  });

  it('lets a no-eSE phone pay a small amount with its software key', async () => {
    const phone = await env.world.phone('no-ese');
    const wallet = env.world.newId('wallet');
    const merchant = env.world.newId('merchant');
    const enrollment = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, enrollment.deviceId, 10_000, 'KES');
    await env.world.openMerchant(merchant, 'KES');
    const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '100', currency: 'KES' } });
    expect(result.status).toBe('POSTED');
  });
});
