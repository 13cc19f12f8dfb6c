import * as grpc from '@grpc/grpc-js';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { sha256b64url } from '../../kit/src/jws.js';
import { generateEcKeyPair, issueCertificate, privateKeyPem } from '../../kit/src/x509.js';
import type { Backend } from '../../device-sim/src/daemon/backend.js';
import type { EnrollRequest } from '../../gen/proto/dfs/v1/EnrollRequest.js';
import { codeOf } from '../support/expect-code.js';
import { fundedPhone, testStack } from '../support/stack.js';
import { editPayload } from '../../cli/threats/scenarios/setup.js';

describe('walking skeleton: one attested, signed payment over gRPC with mTLS (brief §3.3-3.4)', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('enrolls a secure phone at tier HIGH and posts a payment the daemon verified', async () => {
    const { phone, merchant, enrollment } = await fundedPhone(env.world);
    expect(enrollment.tier).toBe('HIGH');
    const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1250', currency: 'KES' } });
    expect(result.status).toBe('POSTED');
    expect(result.payerBalance).toEqual({ minorUnits: '98750', currency: 'KES' });
    expect(result.risk.decision).toBe('APPROVE');
    expect(phone.ui.frames.at(-1)?.lines[0]).toBe('Payment sent');
  });

  it('refuses a payment signed by a key the backend never attested (PAYMENT_KEY_NOT_BOUND)', async () => {
    const { phone, wallet, merchant, enrollment } = await fundedPhone(env.world);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const payload = {
      idempotencyKey: 'forged-0001',
      payer: wallet,
      payee: merchant,
      amount: { minorUnits: '500', currency: 'KES' },
      iat: Date.now(),
      ath: sha256b64url(enrollment.token),
    };
    const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    expect(
      await codeOf(enrollment.channel.submitPayment({ signedPayment: forged, attestationToken: enrollment.token })),
    ).toBe('PAYMENT_KEY_NOT_BOUND');
    expect(phone.profile.name).toBe('secure');
  });

  it('refuses a reused attestation challenge (ATTESTATION_CHALLENGE_REUSED)', async () => {
    let captured: EnrollRequest | undefined;
    const phone = await env.world.phone('secure', {
      wrap: (b: Backend): Backend => ({
        ...b,
        enroll: (req) => {
          captured = req;
          return b.enroll(req);
        },
      }),
    });
    await phone.daemon.enroll(env.world.newId('wallet'));
    const attestation = createClient(
      contracts().AttestationService,
      env.stack.attestationAddr,
      env.world.bootstrapTls,
      'attestation',
    );
    try {
      expect(await codeOf(call(attestation, attestation.Enroll, captured!))).toBe('ATTESTATION_CHALLENGE_REUSED');
    } finally {
      attestation.close();
    }
  });

  it('refuses a payment whose amount was changed after signing (PAYMENT_SIGNATURE_INVALID)', async () => {
    const { phone, merchant } = await fundedPhone(env.world, 'secure');
    const tamper = (b: Backend): Backend => ({
      ...b,
      connect: (tls) => {
        const ch = b.connect(tls);
        return {
          ...ch,
          submitPayment: (req) =>
            ch.submitPayment({
              ...req,
              signedPayment: editPayload(req.signedPayment as string, (p) => {
                (p.amount as { minorUnits: string }).minorUnits = '99000';
              }),
            }),
        };
      },
    });
    const attacked = await env.world.phone('secure', { wrap: tamper });
    const wallet = env.world.newId('wallet');
    const enr = await attacked.daemon.enroll(wallet);
    await env.world.openWallet(wallet, enr.deviceId, 100_000, 'KES');
    expect(await codeOf(attacked.daemon.pay({ payee: merchant, amount: { minorUnits: '100', currency: 'KES' } }))).toBe(
      'PAYMENT_SIGNATURE_INVALID',
    );
    expect(phone.daemon.enrollment?.tier).toBe('HIGH');
  });

  it('refuses a call without a client certificate, and one with a certificate from another CA', async () => {
    const ca = env.world.bootstrapTls.ca;
    const anonymous = new (contracts().DiagnosticsService)(env.stack.attestationAddr, grpc.credentials.createSsl(ca), {
      'grpc.ssl_target_name_override': 'attestation',
    });
    expect(await codeOf(call(anonymous, anonymous.Echo, { payload: Buffer.from('hi') }))).toBe('GRPC_UNAVAILABLE');
    anonymous.close();

    const rogueKeys = await generateEcKeyPair();
    const rogue = await issueCertificate({
      subject: 'CN=operator, OU=operator',
      publicKey: rogueKeys.publicKey,
      selfKey: rogueKeys.privateKey,
      usages: ['clientAuth'],
    });
    const stranger = createClient(
      contracts().TransactionService,
      env.stack.transactionAddr,
      { ca, cert: Buffer.from(rogue.toString('pem')), key: Buffer.from(await privateKeyPem(rogueKeys.privateKey)) },
      'transaction',
    );
    expect(
      await codeOf(
        call(stranger, stranger.OpenAccount, {
          accountId: 'stolen',
          holderDeviceId: '',
          openingBalance: { minorUnits: '1000', currency: 'KES' },
        }),
      ),
    ).toBe('GRPC_UNAVAILABLE');
    stranger.close();
  });

  it('reads the caller certificate once per connection, and each connection gets its own identity', async () => {
    const reads = vi.spyOn(TLSSocket.prototype, 'getPeerCertificate');
    try {
      const asBootstrap = createClient(
        contracts().TransactionService,
        env.stack.transactionAddr,
        env.world.bootstrapTls,
        'transaction',
      );
      const op = env.world.operator;
      await call(op, op.GetResultKeys, {});
      const before = reads.mock.calls.length;
      for (let i = 0; i < 20; i++) await call(op, op.GetResultKeys, {});
      expect(reads.mock.calls.length - before).toBe(0);
      expect(
        await codeOf(
          call(asBootstrap, asBootstrap.OpenAccount, {
            accountId: 'x2',
            holderDeviceId: '',
            openingBalance: { minorUnits: '1', currency: 'KES' },
          }),
        ),
      ).toBe('CALLER_NOT_ALLOWED');
      expect(reads.mock.calls.length - before).toBeGreaterThan(0);
      asBootstrap.close();
    } finally {
      reads.mockRestore();
    }
  });

  it('refuses an RPC to a caller whose certificate role is not allowed (CALLER_NOT_ALLOWED)', async () => {
    const bootstrapAsOperator = createClient(
      contracts().TransactionService,
      env.stack.transactionAddr,
      env.world.bootstrapTls,
      'transaction',
    );
    expect(
      await codeOf(
        call(bootstrapAsOperator, bootstrapAsOperator.OpenAccount, {
          accountId: 'x1',
          holderDeviceId: '',
          openingBalance: { minorUnits: '1', currency: 'KES' },
        }),
      ),
    ).toBe('CALLER_NOT_ALLOWED');
    bootstrapAsOperator.close();
  });

  it('does not report success when the response signature does not verify (RESPONSE_SIGNATURE_INVALID)', async () => {
    const tamper = (b: Backend): Backend => ({
      ...b,
      connect: (tls) => {
        const ch = b.connect(tls);
        return {
          ...ch,
          submitPayment: async (req) => {
            const res = await ch.submitPayment(req);
            return {
              signedResult: editPayload(res.signedResult, (p) => {
                p.payerBalance = { minorUnits: '99999999', currency: 'KES' };
              }),
            };
          },
        };
      },
    });
    const phone = await env.world.phone('secure', { wrap: tamper });
    const wallet = env.world.newId('wallet');
    const merchant = env.world.newId('merchant');
    const enr = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, enr.deviceId, 100_000, 'KES');
    await env.world.openMerchant(merchant, 'KES');
    expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: { minorUnits: '700', currency: 'KES' } }))).toBe(
      'RESPONSE_SIGNATURE_INVALID',
    );
    expect(phone.ui.frames.some((f) => f.lines[0] === 'Payment sent')).toBe(false);
  });
});
