import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { readTls } from '../../kit/src/tls.js';
import { DEVICE_TOPIC } from '../../contracts/events.js';
import { codeOf } from '../support/expect-code.js';
import { fundedPhone, riskGet, testStack } from '../support/stack.js';

describe('risk through the embedded stack: posture tiers, events on the shared bus, decision trail', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  const simChanged = (deviceId: string, n: number) =>
    env.stack.bus.publish(DEVICE_TOPIC, [
      {
        id: `e2e-sim-${deviceId}-${n}`,
        type: 'device.sim_changed',
        key: deviceId,
        atMs: Date.now(),
        data: { deviceId, imsiHash: `imsi-${n}` },
      },
    ]);

  it(
    'approves a payment from a secure phone (tier HIGH) ' + 'and explains it at GET /v1/decisions/{transactionId}',
    async () => {
      const { phone, merchant, enrollment } = await fundedPhone(env.world);
      expect(enrollment.tier).toBe('HIGH');
      const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '30000', currency: 'KES' } });
      expect([result.status, result.risk.decision]).toEqual(['POSTED', 'APPROVE']);
      const trail = await (await riskGet(env.stack, `/v1/decisions/${result.transactionId}`)).json();
      const rules = await (await riskGet(env.stack, '/v1/rules')).json();
      expect(trail).toMatchObject({
        transactionId: result.transactionId,
        deviceId: enrollment.deviceId,
        decision: 'APPROVE',
        tier: 'HIGH',
        rulesetId: rules.id,
      });
      expect(trail.amount).toEqual({ minorUnits: 30_000, currency: 'KES' });
    },
  );

  it('refuses a rooted phone at attestation, before any payment reaches risk', async () => {
    const phone = await env.world.phone('rooted');
    expect(await codeOf(phone.daemon.enroll(env.world.newId('wallet')))).toBe('ATTESTATION_DEVICE_ROOTED');
  });

  it('steps up after an IMSI change published on the shared bus until re-verified', async () => {
    const { enrollment, wallet, merchant } = await fundedPhone(env.world);
    const risk = createClient(
      contracts().RiskService,
      env.stack.riskAddr,
      readTls({ ca: env.stack.pki.ca, cert: env.stack.pki.cert('transaction'), key: env.stack.pki.key('transaction') }),
      'risk',
    );
    let n = 0;
    const assess = () =>
      call(risk, risk.Assess, {
        transactionId: `e2e-${++n}`,
        deviceId: enrollment.deviceId,
        payer: wallet,
        payee: merchant,
        amount: { minorUnits: '1000', currency: 'KES' },
        tier: enrollment.tier,
      });
    try {
      expect((await assess()).decision).toBe('APPROVE');
      await simChanged(enrollment.deviceId, 1);
      await simChanged(enrollment.deviceId, 2);
      await expect.poll(assess).toMatchObject({ decision: 'STEP_UP', ruleIds: ['sim.imsiChanged'] });
      await env.stack.bus.publish(DEVICE_TOPIC, [
        {
          id: `e2e-rev-${enrollment.deviceId}`,
          type: 'device.reverified',
          key: enrollment.deviceId,
          atMs: Date.now(),
          data: { deviceId: enrollment.deviceId },
        },
      ]);
      await expect.poll(assess).toMatchObject({ decision: 'APPROVE', ruleIds: [] });
      const trail = await (await riskGet(env.stack, `/v1/decisions/e2e-${n}`)).json();
      expect(trail).toMatchObject({ decision: 'APPROVE', deviceId: enrollment.deviceId });
    } finally {
      risk.close();
    }
  });

  it(
    "learns from the transaction service's payment events: a " +
      "payment far above this payer's usual amount is flagged",
    async () => {
      const { phone, merchant, wallet, enrollment } = await fundedPhone(env.world);
      for (let i = 0; i < 3; i++) {
        expect(
          (await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1000', currency: 'KES' } })).status,
        ).toBe('POSTED');
      }
      const risk = createClient(
        contracts().RiskService,
        env.stack.riskAddr,
        readTls({
          ca: env.stack.pki.ca,
          cert: env.stack.pki.cert('transaction'),
          key: env.stack.pki.key('transaction'),
        }),
        'risk',
      );
      let probe = 0;
      const ask = async () =>
        (
          await call(risk, risk.Assess, {
            transactionId: `probe-${wallet}-${++probe}`,
            deviceId: enrollment.deviceId,
            payer: wallet,
            payee: merchant,
            amount: { minorUnits: '9000', currency: 'KES' },
            tier: enrollment.tier,
          })
        ).ruleIds;
      await expect.poll(ask, { timeout: 10_000 }).toEqual(['amount.unusual']);
      risk.close();
      const unusual = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '9000', currency: 'KES' } });
      expect([unusual.status, unusual.risk.decision, unusual.risk.ruleIds]).toEqual([
        'POSTED',
        'APPROVE',
        ['amount.unusual'],
      ]);
    },
  );
});
