import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balance } from '../../cli/threats/scenarios/setup.js';
import { DEVICE_TOPIC } from '../../contracts/events.js';
import type { BusEvent } from '../../kit/src/events.js';
import type { Frame, PhoneUser } from '../../device-sim/src/ui/native-ui.js';
import { codeOf } from '../support/expect-code.js';
import { testStack } from '../support/stack.js';
import { approveStepUp } from '../support/weakened.js';
import { revokeDevice } from '../../services/attestation/src/domain/operator.js';
import type { AttestationStore } from '../../services/attestation/src/store/ports.js';

type Env = Awaited<ReturnType<typeof testStack>>;
const kes = (minorUnits: number) => ({ minorUnits: String(minorUnits), currency: 'KES' });

/** The operator API of the attestation service (bearer credential from the state directory). */
function operatorApi(env: Env) {
  const token = readFileSync(join(env.stack.stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim();
  const http = `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${http}/v1/operator${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    revoke: (deviceId: string) => post(`/devices/${deviceId}/revoke`, { reason: 'reported stolen' }),
    reinstate: (deviceId: string) => post(`/devices/${deviceId}/reinstate`, { reason: 'owner verified in branch' }),
  };
}

/**
 * A user who confirms everything and, when the step-up screen appears, first lets `during` run (the operator revoking).
 */
function userRevokingAtStepUp(pin: string, during: () => Promise<void>): PhoneUser {
  return {
    confirm: async (f: Frame) => {
      if (f.lines[0]?.startsWith('Extra check')) await during();
      return true;
    },
    enterPin: async () => pin,
  };
}

/** A phone enrolled and funded with 300,000 whose user triggers `during` at the step-up screen; plus a merchant. */
async function steppedUpPhone(env: Env, during: (deviceId: string) => Promise<void>) {
  let deviceId = '';
  const phone = await env.world.phone('secure', { user: userRevokingAtStepUp('2580', () => during(deviceId)) });
  const wallet = env.world.newId('wallet');
  const merchant = env.world.newId('merchant');
  deviceId = (await phone.daemon.enroll(wallet)).deviceId;
  await env.world.openWallet(wallet, deviceId, 300_000, 'KES');
  await env.world.openMerchant(merchant, 'KES');
  return { phone, wallet, merchant, deviceId };
}

describe('revocation holds on every path (002 R1; docs/ATTESTATION.md "Revocation")', () => {
  let env: Env;
  let op: ReturnType<typeof operatorApi>;
  const events: BusEvent[] = [];
  beforeAll(async () => {
    env = await testStack();
    op = operatorApi(env);
    await env.stack.bus.subscribe(DEVICE_TOPIC, 'revocation-test', async (e) => {
      events.push(e);
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('untampered: 250,000 is held for step-up and posts once the user confirms with a fresh PIN', async () => {
    const p = await steppedUpPhone(env, async () => {});
    const result = await p.phone.daemon.pay({ payee: p.merchant, amount: kes(250_000) });
    expect([result.status, result.risk.ruleIds]).toEqual(['POSTED', expect.arrayContaining(['stepUp.confirmed'])]);
    expect(await balance(env.world, p.merchant)).toBe(250_000);
  });

  it(
    'revoked while the step-up is pending: the confirmation ' + 'is refused DEVICE_REVOKED and no money moves',
    async () => {
      let revoked = 0;
      const p = await steppedUpPhone(env, async (id) => {
        revoked = (await op.revoke(id)).status;
      });
      expect(await codeOf(p.phone.daemon.pay({ payee: p.merchant, amount: kes(250_000) }))).toBe('DEVICE_REVOKED');
      expect(revoked).toBe(200);
      expect([await balance(env.world, p.wallet), await balance(env.world, p.merchant)]).toEqual([300_000, 0]);
    },
  );

  it(
    'revoke, then reinstate through the operator API: refused ' +
      'until reinstated, old token refused, enrolls and pays again',
    async () => {
      const p = await steppedUpPhone(env, async () => {});
      expect((await p.phone.daemon.pay({ payee: p.merchant, amount: kes(1_000) })).status).toBe('POSTED');
      expect((await op.revoke(p.deviceId)).status).toBe(200);
      expect(await codeOf(p.phone.daemon.pay({ payee: p.merchant, amount: kes(1_000) }))).toBe('DEVICE_REVOKED');
      expect(await codeOf(p.phone.daemon.enroll(p.wallet))).toBe('ATTESTATION_DEVICE_REVOKED');

      const reinstated = await op.reinstate(p.deviceId);
      expect([reinstated.status, reinstated.body.status]).toEqual([200, 'ACTIVE']);
      await expect.poll(() => events.some((e) => e.type === 'device.reverified' && e.key === p.deviceId)).toBe(true);
      expect(await codeOf(p.phone.daemon.pay({ payee: p.merchant, amount: kes(1_000) }))).toBe('TOKEN_REVOKED');
      expect((await p.phone.daemon.enroll(p.wallet)).tier).toBe('HIGH');
      await expect
        .poll(async () => (await p.phone.daemon.pay({ payee: p.merchant, amount: kes(1_000) })).status)
        .toBe('POSTED');
      expect(await balance(env.world, p.wallet)).toBeLessThanOrEqual(298_000);
    },
  );

  it(
    'reinstating an unknown device is ATTESTATION_DEVICE_NOT_FOUND; ' + 'without the operator token it is refused',
    async () => {
      expect((await op.reinstate('dev-00000000000000000000')).body.code).toBe('ATTESTATION_DEVICE_NOT_FOUND');
      const http = `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;
      const res = await fetch(`${http}/v1/operator/devices/dev-00000000000000000000/reinstate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"reason":"x"}',
      });
      expect((await res.json()).code).toBe('ATTESTATION_OPERATOR_UNAUTHENTICATED');
    },
  );
});

describe('a revocation whose event is lost still refuses a pending step-up (asked of the registry)', () => {
  let env: Env;
  let registry: AttestationStore | undefined;
  beforeAll(async () => {
    env = await testStack({ DEVICE_STATUS_MAX_AGE_MS: '300000' }, undefined, {
      attestation: { wrapStore: (s) => (registry = s) },
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('revoked in the registry, no device.revoked published: the confirmation is refused DEVICE_REVOKED', async () => {
    const noEvents = { attested: async () => {}, rejected: async () => {}, revoked: async () => {} };
    const p = await steppedUpPhone(env, async (id) => {
      await revokeDevice(id, 'reported stolen', {
        store: registry!,
        events: { ...noEvents, reverified: async () => {} },
        now: Date.now,
      });
    });
    // The payment's authorization read the standing ACTIVE a moment ago, and it may be remembered
    // for five minutes: only asking the registry at the confirmation sees the revocation.
    expect(await codeOf(p.phone.daemon.pay({ payee: p.merchant, amount: kes(250_000) }))).toBe('DEVICE_REVOKED');
    expect([await balance(env.world, p.wallet), await balance(env.world, p.merchant)]).toEqual([300_000, 0]);
  });
});

describe('sabotage: step-up confirmed without re-checking (recheckStepUp: approveStepUp)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack({}, undefined, { transaction: { recheckStepUp: approveStepUp } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the device revoked during the step-up still moves 250,000', async () => {
    const op = operatorApi(env);
    const p = await steppedUpPhone(env, async (id) => {
      await op.revoke(id);
    });
    expect((await p.phone.daemon.pay({ payee: p.merchant, amount: kes(250_000) })).status).toBe('POSTED');
    expect([await balance(env.world, p.wallet), await balance(env.world, p.merchant)]).toEqual([50_000, 250_000]);
  });
});
