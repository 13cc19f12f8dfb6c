import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../device-sim/src/daemon/payment-daemon.js';
import { codeOf } from '../support/expect-code.js';
import { testStack } from '../support/stack.js';

/** Attestation policy with re-attestation before payments above KES 10.00 when the attestation is older than 3 s. */
function policyFile(dir: string): string {
  const policy = JSON.parse(readFileSync('config/attestation-policy.json', 'utf8'));
  policy.reattestation = { aboveMinorUnits: 1000, withinSec: 3 };
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

describe('re-attestation before payments above the configured amount (PCI MPoC practice)', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-reattest-'));
    env = await testStack({ ATTESTATION_POLICY_FILE: policyFile(dir) });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function enrolledPhone(steps: Step[]) {
    const phone = await env.world.phone('secure', { onStep: (s) => steps.push(s) });
    const wallet = env.world.newId('wallet');
    const merchant = env.world.newId('merchant');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, 100_000, 'KES');
    await env.world.openMerchant(merchant, 'KES');
    return { phone, merchant };
  }

  it(
    'refuses a large payment on an attestation older than ' + 'allowed (REATTESTATION_REQUIRED), small ones pass',
    async () => {
      const steps: Step[] = [];
      const { phone, merchant } = await enrolledPhone(steps);
      const e = phone.daemon.enrollment!;
      await new Promise((r) => setTimeout(r, 3_100));
      expect((await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '900', currency: 'KES' } })).status).toBe(
        'POSTED',
      );
      expect(steps.filter((s) => s.step === 'attestation')).toHaveLength(1);
      const direct = e.channel.submitPayment({
        signedPayment: await signLarge(phone, merchant),
        attestationToken: e.token,
      });
      expect(await codeOf(direct)).toBe('REATTESTATION_REQUIRED');
    },
  );

  it('the daemon attests again by itself before a large payment, which then posts', async () => {
    const steps: Step[] = [];
    const { phone, merchant } = await enrolledPhone(steps);
    await new Promise((r) => setTimeout(r, 3_100));
    const r = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '5000', currency: 'KES' } });
    expect(r.status).toBe('POSTED');
    expect(steps.filter((s) => s.step === 'attestation')).toHaveLength(2);
  });
});

/**
 * A KES 50.00 payment signed by the phone's own key with its
 * current (stale) token, bypassing the daemon's re-attestation.
 */
async function signLarge(
  phone: Awaited<ReturnType<Awaited<ReturnType<typeof testStack>>['world']['phone']>>,
  payee: string,
): Promise<string> {
  const { compactJws, sha256b64url } = await import('../../kit/src/jws.js');
  const e = phone.daemon.enrollment!;
  const jwk = await phone.ese!.publicJwk(1077, 'payment');
  phone.ese!.verifyPin(1077, '2580');
  const payload = {
    idempotencyKey: `large-${Date.now()}`,
    payer: e.accountId,
    payee,
    amount: { minorUnits: '5000', currency: 'KES' },
    iat: Date.now(),
    ath: sha256b64url(e.token),
  };
  return compactJws({ alg: 'ES256', typ: 'dfs-payment+jws', jwk }, payload, (data) =>
    phone.ese!.sign(1077, 'payment', data),
  );
}
