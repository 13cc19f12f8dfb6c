import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneUser } from '../../device-sim/src/ui/native-ui.js';
import { kes } from '../../cli/threats/scenarios/setup.js';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { readTls } from '../../kit/src/tls.js';
import { randomUUID, generateKeyPairSync, sign as ecSign } from 'node:crypto';
import { compactJws } from '../../kit/src/jws.js';
import { DEVICE_REPORT } from '../../contracts/device.js';
import { PAYMENT_DAEMON } from '../../device-sim/src/access-policy.js';
import { codeOf } from '../support/expect-code.js';
import { riskGet, testStack } from '../support/stack.js';

/** Types the right PIN, or a wrong one while `wrong` is above zero (each wrong PIN counts down). */
function fumbling(pin: string) {
  const user: PhoneUser & { wrong: number } = {
    wrong: 0,
    confirm: async () => true,
    enterPin: async () => (user.wrong-- > 0 ? '0000' : pin),
  };
  return user;
}

describe(
  'the phone reports wrong PINs and a PIN lockout (eSE-signed ' +
    'device reports over gRPC); risk weighs and vetoes them',
  () => {
    let env: Awaited<ReturnType<typeof testStack>>;
    const trail = async (id: string) =>
      (await riskGet(env.stack, `/v1/decisions/${id}`)).json() as Promise<{
        decision: string;
        ruleIds: string[];
        hits: { ruleId: string; weight: number; veto: boolean }[];
      }>;

    beforeAll(async () => {
      env = await testStack();
    });
    afterAll(async () => {
      await env?.close();
    });

    it('wrong PINs typed on the native UI make pin.failures weigh; a lockout makes pin.locked veto', async () => {
      const user = fumbling('2580');
      const phone = await env.world.phone('secure', { user });
      const wallet = env.world.newId('wallet');
      const merchant = env.world.newId('merchant');
      const enrollment = await phone.daemon.enroll(wallet);
      await env.world.openWallet(wallet, enrollment.deviceId, 100_000, 'KES');
      await env.world.openMerchant(merchant, 'KES');

      const clean = await phone.daemon.pay({ payee: merchant, amount: kes(1_000) });
      expect((await trail(clean.transactionId)).ruleIds).not.toContain('pin.failures');
      for (let i = 0; i < 3; i++) {
        user.wrong = 1;
        expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: kes(1_000) }))).toBe('PIN_WRONG');
      }
      await expect
        .poll(async () => {
          const r = await phone.daemon.pay({ payee: merchant, amount: kes(1_000) });
          return (await trail(r.transactionId)).hits.find((h) => h.ruleId === 'pin.failures');
        })
        .toMatchObject({ weight: 30, veto: false });

      user.wrong = 5;
      for (let i = 0; i < 4; i++)
        expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: kes(1_000) }))).toBe('PIN_WRONG');
      expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: kes(1_000) }))).toBe('PIN_LOCKED');

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
      let n = 0;
      try {
        const assess = () =>
          call(risk, risk.Assess, {
            transactionId: `pin-${enrollment.deviceId}-${++n}`,
            deviceId: enrollment.deviceId,
            payer: wallet,
            payee: merchant,
            amount: { minorUnits: '1000', currency: 'KES' },
            tier: enrollment.tier,
          });
        await expect.poll(async () => (await assess()).ruleIds).toContain('pin.locked');
        const t = await trail(`pin-${enrollment.deviceId}-${n}`);
        expect(t.decision).toBe('DECLINE');
        expect(t.hits.find((h) => h.ruleId === 'pin.locked')).toMatchObject({ veto: true });
      } finally {
        risk.close();
      }
    });

    it(
      'a report the enrolled key did not sign is refused ' +
        '(DEVICE_REPORT_INVALID); the eSE signs nothing but reports without a PIN',
      async () => {
        const phone = await env.world.phone('secure');
        const e = await phone.daemon.enroll(env.world.newId('wallet'));
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const jwk = other.publicKey.export({ format: 'jwk' });
        const forged = await compactJws(
          { alg: 'ES256', typ: DEVICE_REPORT.typ, jwk },
          { reportId: randomUUID(), iat: Date.now(), kind: 'pin_locked' },
          async (data) => new Uint8Array(ecSign('sha256', data, { key: other.privateKey, dsaEncoding: 'ieee-p1363' })),
        );
        expect(await codeOf(e.channel.reportDevice({ signedReport: forged, attestationToken: e.token }))).toBe(
          'DEVICE_REPORT_INVALID',
        );
        const eseJwk = await phone.eseApi.publicJwk(PAYMENT_DAEMON, 'payment');
        const genuine = await compactJws(
          { alg: 'ES256', typ: DEVICE_REPORT.typ, jwk: eseJwk },
          { reportId: randomUUID(), iat: Date.now(), kind: 'pin_failed' },
          (d) => phone.eseApi.signReport(PAYMENT_DAEMON, 'payment', d),
        );
        expect((await e.channel.reportDevice({ signedReport: genuine, attestationToken: e.token })).eventType).toBe(
          'device.pin_failed',
        );
        expect(
          await codeOf(
            compactJws({ alg: 'ES256', typ: 'dfs-payment+jws', jwk: eseJwk }, { payer: 'x' }, (d) =>
              phone.eseApi.signReport(PAYMENT_DAEMON, 'payment', d),
            ),
          ),
        ).toBe('ESE_AUTH_REQUIRED');
      },
    );

    it.each(['transaction', 'operator'])(
      'ReportDevice admits devices only: the same genuine report sent with the %s certificate is CALLER_NOT_ALLOWED',
      async (who) => {
        const phone = await env.world.phone('secure');
        const e = await phone.daemon.enroll(env.world.newId('wallet'));
        const eseJwk = await phone.eseApi.publicJwk(PAYMENT_DAEMON, 'payment');
        const report = await compactJws(
          { alg: 'ES256', typ: DEVICE_REPORT.typ, jwk: eseJwk },
          { reportId: randomUUID(), iat: Date.now(), kind: 'pin_failed' },
          (d) => phone.eseApi.signReport(PAYMENT_DAEMON, 'payment', d),
        );
        const req = { signedReport: report, attestationToken: e.token };
        expect((await e.channel.reportDevice(req)).eventType).toBe('device.pin_failed');
        const pki = env.stack.pki;
        const tx = createClient(
          contracts().TransactionService,
          env.stack.transactionAddr,
          readTls({ ca: pki.ca, cert: pki.cert(who), key: pki.key(who) }),
          'transaction',
        );
        try {
          expect(await codeOf(call(tx, tx.ReportDevice, req))).toBe('CALLER_NOT_ALLOWED');
        } finally {
          tx.close();
        }
      },
    );
  },
);
