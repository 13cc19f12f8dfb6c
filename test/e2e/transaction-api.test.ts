import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient, errorCodeOf } from '../../kit/src/grpc-client.js';
import { ERROR_CODE_KEY } from '../../kit/src/grpc-server.js';
import { readTls } from '../../kit/src/tls.js';
import type { Backend } from '../../device-sim/src/daemon/backend.js';
import type { JournalEntry } from '../../services/transaction/src/domain/model.js';
import { editPayload } from '../../cli/threats/scenarios/setup.js';
import { codeOf } from '../support/expect-code.js';
import {
  eseSign,
  INTEGRATOR_KEY,
  paymentPayload,
  transactionStack,
  walletPhone,
  type Loose,
  type TransactionStack,
} from '../fixtures/transaction-stack.js';

const WRITES = [
  'createAccount',
  'debit',
  'credit',
  'insertTransfer',
  'setRisk',
  'finishTransfer',
  'appendJournal',
  'addOutbox',
  'setStepUp',
  'passStepUp',
  'reserveReturn',
  'releaseReturn',
  'insertRequest',
  'claimRequest',
  'finishRequest',
];
const decode = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Loose;
const APPROVE = async () => ({ decision: 'APPROVE' as const, ruleIds: [], reason: 'e2e' });

describe('transaction service over gRPC/mTLS and REST with real phones', () => {
  let env: TransactionStack;
  let merchant: string;
  beforeAll(async () => {
    env = await transactionStack({ env: { PENDING_RECOVERY_SEC: '1' } });
    merchant = env.world.newId('merchant');
    await env.world.openMerchant(merchant, 'KES');
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it(
    'idempotency (acceptance 2): 20 concurrent retries give one transfer and identical bytes; ' +
      'another amount is IDEMPOTENCY_KEY_REUSED; after a restart the stored result comes back',
    async () => {
      env.risk.answer = APPROVE;
      const { phone, enrollment: e, wallet } = await walletPhone(env, 50_000);
      const payload = paymentPayload(e, merchant, 1_500);
      const jws = await eseSign(phone, e, payload);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => e.channel.submitPayment({ signedPayment: jws, attestationToken: e.token })),
      );
      expect(new Set(results.map((r) => r.signedResult)).size).toBe(1);
      const first = decode(results[0]!.signedResult);
      expect(first.status).toBe('POSTED');
      expect((await env.store.readJournal()).filter((x) => x.transferId === first.transactionId)).toHaveLength(1);
      expect((await env.store.getAccount(wallet))?.balance).toBe(48_500);

      const byKey = { payer: wallet, idempotencyKey: payload.idempotencyKey };
      const op = env.world.operator;
      expect((await call(op, op.GetTransaction, byKey)).signedResult).toBe(results[0]!.signedResult);
      expect((await e.channel.paymentByKey(wallet, payload.idempotencyKey)).signedResult).toBe(
        results[0]!.signedResult,
      );
      expect(await codeOf(e.channel.paymentByKey(wallet, randomUUID()))).toBe('TRANSACTION_NOT_FOUND');
      const stranger = await walletPhone(env, 1);
      expect(await codeOf(stranger.enrollment.channel.paymentByKey(wallet, payload.idempotencyKey))).toBe(
        'TRANSACTION_NOT_FOUND',
      );
      const other = await eseSign(phone, e, { ...payload, amount: { minorUnits: '1501', currency: 'KES' } });
      expect(await codeOf(e.channel.submitPayment({ signedPayment: other, attestationToken: e.token }))).toBe(
        'IDEMPOTENCY_KEY_REUSED',
      );

      await env.restart();
      const again = await e.channel.submitPayment({ signedPayment: jws, attestationToken: e.token });
      expect(again.signedResult).toBe(results[0]!.signedResult);
      expect((await env.store.getAccount(wallet))?.balance).toBe(48_500);
    },
    60_000,
  );

  it(
    'a payment whose answer was lost is settled by its idempotency key: ' +
      'TRANSACTION_IN_PROGRESS while risk is pending, then the signed result',
    async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      env.risk.answer = async () => {
        await gate;
        return APPROVE();
      };
      const { phone, enrollment: e, wallet } = await walletPhone(env, 5_000);
      const payload = paymentPayload(e, merchant, 700);
      const answer = e.channel.submitPayment({
        signedPayment: await eseSign(phone, e, payload),
        attestationToken: e.token,
      });
      await expect
        .poll(async () => codeOf(e.channel.paymentByKey(wallet, payload.idempotencyKey)))
        .toBe('TRANSACTION_IN_PROGRESS');
      expect(await codeOf(phone.daemon.settle(payload.idempotencyKey))).toBe('TRANSACTION_IN_PROGRESS');
      release();
      const posted = decode((await answer).signedResult);
      expect(decode((await e.channel.paymentByKey(wallet, payload.idempotencyKey)).signedResult)).toMatchObject({
        status: 'POSTED',
        transactionId: posted.transactionId,
        payer: wallet,
      });
    },
    60_000,
  );

  it(
    'a transfer left pending by a failed store write is ' + 'rolled forward by the periodic sweep, without a restart',
    async () => {
      env.risk.answer = APPROVE;
      const { phone, enrollment: e, wallet } = await walletPhone(env, 5_000);
      const payload = paymentPayload(e, merchant, 900);
      const credit = env.store.credit;
      env.store.credit = async () => {
        throw new Error('store write failed');
      };
      try {
        expect(
          await codeOf(
            e.channel.submitPayment({ signedPayment: await eseSign(phone, e, payload), attestationToken: e.token }),
          ),
        ).toBe('INTERNAL');
      } finally {
        env.store.credit = credit;
      }
      expect(await codeOf(e.channel.paymentByKey(wallet, payload.idempotencyKey))).toBe('TRANSACTION_IN_PROGRESS');
      await expect
        .poll(() => phone.daemon.settle(payload.idempotencyKey).then((r) => r.status, errorCodeOf), { timeout: 10_000 })
        .toBe('POSTED');
      expect((await env.store.getAccount(wallet))?.balance).toBe(4_100);
    },
    60_000,
  );

  it(
    'a phone that gave up abandons its payment: a copy arriving later ' +
      'cannot post; a posted one stays posted; another wallet is refused',
    async () => {
      env.risk.answer = APPROVE;
      const { phone, enrollment: e, wallet } = await walletPhone(env, 5_000);
      const late = paymentPayload(e, merchant, 800);
      const abandoned = await phone.daemon.settle(late.idempotencyKey);
      expect([abandoned.status, abandoned.code, abandoned.payer]).toEqual(['FAILED', 'PAYMENT_ABANDONED', wallet]);
      const copy = await e.channel.submitPayment({
        signedPayment: await eseSign(phone, e, late),
        attestationToken: e.token,
      });
      expect(decode(copy.signedResult)).toMatchObject({
        status: 'FAILED',
        code: 'PAYMENT_ABANDONED',
        transactionId: abandoned.transactionId,
      });
      expect(await phone.daemon.settle(late.idempotencyKey)).toEqual(abandoned);
      expect((await env.store.getAccount(wallet))?.balance).toBe(5_000);

      const paid = paymentPayload(e, merchant, 300);
      const posted = decode(
        (await e.channel.submitPayment({ signedPayment: await eseSign(phone, e, paid), attestationToken: e.token }))
          .signedResult,
      );
      expect(await phone.daemon.settle(paid.idempotencyKey)).toMatchObject({
        status: 'POSTED',
        transactionId: posted.transactionId,
      });
      expect((await env.store.getAccount(wallet))?.balance).toBe(4_700);

      const stranger = await walletPhone(env, 1);
      expect(await codeOf(stranger.enrollment.channel.abandonPayment(wallet, randomUUID()))).toBe(
        'LEDGER_ACCOUNT_NOT_FOUND',
      );
    },
    60_000,
  );

  it(
    'tampering (acceptance 3): amount, payee, currency or key changed ' +
      "after signing; another phone's token; a stale timestamp; a replay",
    async () => {
      env.risk.answer = APPROVE;
      const a = await walletPhone(env, 50_000);
      const b = await walletPhone(env, 50_000);
      const jws = await eseSign(a.phone, a.enrollment, paymentPayload(a.enrollment, merchant, 900));
      const send = (signedPayment: string, token = a.enrollment.token, ch = a.enrollment.channel) =>
        ch.submitPayment({ signedPayment, attestationToken: token });
      expect(
        await codeOf(
          send(
            editPayload<Loose>(jws, (p) => {
              p.amount.minorUnits = '90000';
            }),
          ),
        ),
      ).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(
        await codeOf(
          send(
            editPayload<Loose>(jws, (p) => {
              p.payee = b.wallet;
            }),
          ),
        ),
      ).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(
        await codeOf(
          send(
            editPayload<Loose>(jws, (p) => {
              p.amount.currency = 'UGX';
            }),
          ),
        ),
      ).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(
        await codeOf(
          send(
            editPayload<Loose>(jws, (p) => {
              p.idempotencyKey = randomUUID();
            }),
          ),
        ),
      ).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(await codeOf(send(jws, b.enrollment.token))).toBe('PAYMENT_KEY_NOT_BOUND');
      expect(await codeOf(send(jws, a.enrollment.token, b.enrollment.channel))).toBe('PAYMENT_DEVICE_MISMATCH');
      const stale = await eseSign(
        a.phone,
        a.enrollment,
        paymentPayload(a.enrollment, merchant, 900, { iat: Date.now() - 10 * 60_000 }),
      );
      expect(await codeOf(send(stale))).toBe('PAYMENT_STALE');
      expect((await env.store.getAccount(a.wallet))?.balance).toBe(50_000);
      const posted = await send(jws);
      expect((await send(jws)).signedResult).toBe(posted.signedResult);
      expect((await env.store.getAccount(a.wallet))?.balance).toBe(49_100);
    },
    60_000,
  );

  it(
    'tampering (acceptance 3): a forged journal entry in the store fails GET ' +
      '/v1/journal/verify (LEDGER_JOURNAL_TAMPERED); readiness does not read the journal',
    async () => {
      expect((await env.http('/readyz')).status).toBe(200);
      const anonymous = await env.http('/v1/journal/verify');
      expect([anonymous.status, (await anonymous.json()).code]).toEqual([401, 'LEDGER_OPERATOR_UNAUTHENTICATED']);
      expect((await env.operator('/v1/journal/verify')).status).toBe(200);
      const readJournal = env.store.readJournal.bind(env.store);
      env.store.readJournal = async (afterSeq?: number, limit?: number): Promise<JournalEntry[]> => {
        const entries = await readJournal(afterSeq, limit);
        return entries.map((x, i) => (i === entries.length - 2 ? { ...x, amount: x.amount + 1 } : x));
      };
      try {
        expect((await env.http('/readyz')).status).toBe(200);
        const res = await env.operator('/v1/journal/verify?full=true');
        expect([res.status, (await res.json()).code]).toEqual([500, 'LEDGER_JOURNAL_TAMPERED']);
      } finally {
        env.store.readJournal = readJournal;
      }
    },
  );

  it(
    'step-up (R1): risk STEP_UP -> the daemon shows a step-up screen, takes a fresh ' +
      'PIN into the eSE, signs the challenge, and shows only the verified final result',
    async () => {
      env.risk.answer = async (t) => ({
        decision: t.amount >= 100_000 ? 'STEP_UP' : 'APPROVE',
        ruleIds: t.amount >= 100_000 ? ['tier.stepUp'] : [],
        reason: 'e2e',
      });
      const { phone, wallet } = await walletPhone(env, 500_000);
      const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '150000', currency: 'KES' } });
      expect([result.status, result.risk.ruleIds]).toEqual(['POSTED', ['tier.stepUp', 'stepUp.confirmed']]);
      expect(phone.ui.frames.some((f) => f.lines[0] === 'Extra check: confirm')).toBe(true);
      expect(phone.ui.frames.filter((f) => f.lines.some((l) => l.startsWith('PIN: '))).length).toBeGreaterThanOrEqual(
        2,
      );
      expect((await env.store.getAccount(wallet))?.balance).toBe(350_000);
    },
    60_000,
  );

  it(
    'step-up with the real risk service: an amount above the HIGH tier ' +
      'step-up level (config/risk-rules.json) posts only after the PIN step-up',
    async () => {
      delete env.risk.answer;
      const { phone, wallet } = await walletPhone(env, 400_000);
      const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '250000', currency: 'KES' } });
      expect([result.status, result.risk.decision, result.risk.ruleIds.at(-1)]).toEqual([
        'POSTED',
        'APPROVE',
        'stepUp.confirmed',
      ]);
      expect(result.risk.ruleIds).toContain('tier.stepUp');
      expect((await env.store.getAccount(wallet))?.balance).toBe(150_000);
    },
    60_000,
  );

  it('step-up: a daemon that never confirms leaves the money where it was', async () => {
    env.risk.answer = async () => ({ decision: 'STEP_UP', ruleIds: ['tier.stepUp'], reason: 'e2e' });
    const skip = (b: Backend): Backend => ({
      ...b,
      connect: (tls) => {
        const ch = b.connect(tls);
        return { ...ch, confirmStepUp: () => Promise.reject(new Error('no confirmation')) };
      },
    });
    const phone = await env.world.phone('secure', { wrap: skip });
    const wallet = env.world.newId('wallet');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, 300_000, 'KES');
    await expect(
      phone.daemon.pay({ payee: merchant, amount: { minorUnits: '120000', currency: 'KES' } }),
    ).rejects.toThrow();
    expect((await env.store.getAccount(wallet))?.balance).toBe(300_000);
    expect(phone.ui.frames.some((f) => f.lines[0] === 'Payment sent')).toBe(false);
  }, 60_000);

  it(
    'seed 003 CSRF: an integrator request to pay moves nothing until the ' +
      'phone user confirms it with the PIN; then REST reads it back signed',
    async () => {
      env.risk.answer = APPROVE;
      const { phone, wallet } = await walletPhone(env, 20_000);
      const body = {
        amount: '4200',
        currency: 'KES',
        debitParty: [{ key: 'accountid', value: wallet }],
        creditParty: [{ key: 'accountid', value: merchant }],
      };
      const res = await env.http('/v1.2/mm/transactions/type/merchantpay', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': INTEGRATOR_KEY, 'X-CorrelationID': randomUUID() },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
      const created = await res.json();
      expect((await env.store.getAccount(wallet))?.balance).toBe(20_000);
      const result = await phone.daemon.payRequest(created.serverCorrelationId);
      expect([result.status, result.requestId]).toEqual(['POSTED', created.serverCorrelationId]);
      const state = await (
        await env.http(`/v1.2/mm/requeststates/${created.serverCorrelationId}`, {
          headers: { 'X-API-Key': INTEGRATOR_KEY },
        })
      ).json();
      expect([state.status, state.objectReference]).toEqual(['completed', result.transactionId]);
      expect((await env.store.getAccount(wallet))?.balance).toBe(15_800);
      expect(await codeOf(phone.daemon.payRequest(created.serverCorrelationId))).toBe('PAYMENT_REQUEST_NOT_FOUND');
    },
    60_000,
  );

  it('reversal over the operator RPC: a new linked transfer back to the payer; a device may not call it', async () => {
    env.risk.answer = APPROVE;
    const { phone, wallet, enrollment: e } = await walletPhone(env, 10_000);
    const paid = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '3000', currency: 'KES' } });
    const op = env.world.operator;
    const rev = decode(
      (
        await call(op, op.ReverseTransaction, {
          transactionId: paid.transactionId,
          kind: 'REVERSAL',
          reason: 'duplicate charge',
        })
      ).signedResult,
    );
    expect([rev.status, rev.kind, rev.originalId]).toEqual(['POSTED', 'reversal', paid.transactionId]);
    expect((await env.store.getAccount(wallet))?.balance).toBe(10_000);
    const asDevice = createClient(
      contracts().TransactionService,
      env.transactionAddr,
      readTls({ ca: env.stack.pki.ca, cert: env.stack.pki.cert('bootstrap'), key: env.stack.pki.key('bootstrap') }),
      'transaction',
    );
    expect(
      await codeOf(
        call(asDevice, asDevice.ReverseTransaction, { transactionId: paid.transactionId, kind: 'REVERSAL' }),
      ),
    ).toBe('CALLER_NOT_ALLOWED');
    asDevice.close();
    expect(e.deviceId).toMatch(/^dev-/);
  }, 60_000);

  it(
    'bad input on every gRPC field (acceptance 4): ' + 'INVALID_ARGUMENT or the specific code, nothing written',
    async () => {
      env.risk.answer = APPROVE;
      const { enrollment: e } = await walletPhone(env, 1_000);
      const op = env.world.operator;
      const snapshot = async () => JSON.stringify([await env.store.listAccounts(), await env.store.readJournal()]);
      const before = await snapshot();
      const writes: string[] = [];
      const store = env.store as unknown as Record<string, (...a: unknown[]) => unknown>;
      const originals = Object.fromEntries(WRITES.map((m) => [m, store[m]!]));
      for (const m of WRITES)
        store[m] = (...a: unknown[]) => {
          writes.push(m);
          return originals[m]!.apply(env.store, a);
        };
      const cases: [() => Promise<unknown>, string][] = [
        [() => call(op, op.GetTransaction, { transactionId: '' }), 'INVALID_ARGUMENT'],
        [() => call(op, op.GetTransaction, { transactionId: 'x'.repeat(10_000) }), 'INVALID_ARGUMENT'],
        [() => call(op, op.GetTransaction, { transactionId: randomUUID() }), 'TRANSACTION_NOT_FOUND'],
        [
          () =>
            call(op, op.GetTransaction, {
              transactionId: randomUUID(),
              payer: 'ok-acct',
              idempotencyKey: randomUUID(),
            }),
          'INVALID_ARGUMENT',
        ],
        [() => call(op, op.GetTransaction, { payer: 'ok-acct', idempotencyKey: 'short' }), 'INVALID_ARGUMENT'],
        [() => call(op, op.GetTransaction, { payer: 'a/b', idempotencyKey: randomUUID() }), 'INVALID_ARGUMENT'],
        [
          () => call(op, op.GetTransaction, { payer: 'ok-acct', idempotencyKey: randomUUID() }),
          'TRANSACTION_NOT_FOUND',
        ],
        [() => call(op, op.AbandonPayment, { payer: 'ok-acct', idempotencyKey: 'short' }), 'INVALID_ARGUMENT'],
        [() => call(op, op.AbandonPayment, { payer: 'a/b', idempotencyKey: randomUUID() }), 'INVALID_ARGUMENT'],
        [
          () => call(op, op.AbandonPayment, { payer: 'no-such-wallet', idempotencyKey: randomUUID() }),
          'LEDGER_ACCOUNT_NOT_FOUND',
        ],
        [() => call(op, op.GetBalance, { accountId: '' }), 'INVALID_ARGUMENT'],
        [() => call(op, op.GetBalance, { accountId: 'a/b' }), 'INVALID_ARGUMENT'],
        [() => call(op, op.GetBalance, { accountId: 'é'.repeat(10) }), 'INVALID_ARGUMENT'],
        [
          () =>
            call(op, op.OpenAccount, {
              accountId: 'ok-acct-1',
              holderDeviceId: 'dev 1',
              openingBalance: { minorUnits: '1', currency: 'KES' },
            }),
          'INVALID_ARGUMENT',
        ],
        [
          () => call(op, op.OpenAccount, { accountId: '', openingBalance: { minorUnits: '1', currency: 'KES' } }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            call(op, op.OpenAccount, { accountId: 'ok-acct-2', openingBalance: { minorUnits: '-5', currency: 'KES' } }),
          'AMOUNT_INVALID',
        ],
        [
          () =>
            call(op, op.OpenAccount, {
              accountId: 'ok-acct-3',
              openingBalance: { minorUnits: '99999999999999', currency: 'KES' },
            }),
          'AMOUNT_INVALID',
        ],
        [
          () =>
            call(op, op.OpenAccount, { accountId: 'ok-acct-4', openingBalance: { minorUnits: '5', currency: 'XXX' } }),
          'CURRENCY_INVALID',
        ],
        [() => call(op, op.OpenAccount, { accountId: 'ok-acct-5' }), 'CURRENCY_INVALID'],
        ...['a\u0000b', 'n'.repeat(65)].map((displayName): [() => Promise<unknown>, string] => [
          () =>
            call(op, op.OpenAccount, {
              accountId: 'ok-acct-6',
              openingBalance: { minorUnits: '0', currency: 'KES' },
              displayName,
            }),
          'INVALID_ARGUMENT',
        ]),
        [() => call(op, op.ReverseTransaction, { transactionId: 'nope', kind: 'REVERSAL' }), 'INVALID_ARGUMENT'],
        [
          () => call(op, op.ReverseTransaction, { transactionId: randomUUID(), kind: 'RETURN_KIND_UNSPECIFIED' }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            call(op, op.ReverseTransaction, {
              transactionId: randomUUID(),
              kind: 'REVERSAL',
              amount: { minorUnits: '1', currency: 'KES' },
            }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            call(op, op.ReverseTransaction, {
              transactionId: randomUUID(),
              kind: 'REFUND',
              idempotencyKey: 'k',
              amount: { minorUnits: '1', currency: 'KES' },
            }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            call(op, op.ReverseTransaction, {
              transactionId: randomUUID(),
              kind: 'REFUND',
              idempotencyKey: 'refund-0001',
              amount: { minorUnits: '0', currency: 'KES' },
            }),
          'AMOUNT_INVALID',
        ],
        [
          () => call(op, op.ReverseTransaction, { transactionId: randomUUID(), kind: 'REVERSAL', reason: 'x\u0000y' }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            call(op, op.ReverseTransaction, { transactionId: randomUUID(), kind: 'REVERSAL', reason: 'r'.repeat(201) }),
          'INVALID_ARGUMENT',
        ],
        [() => e.channel.submitPayment({ signedPayment: '', attestationToken: e.token }), 'PAYMENT_SIGNATURE_INVALID'],
        [() => e.channel.submitPayment({ signedPayment: 'a.b.c', attestationToken: '' }), 'TOKEN_INVALID'],
        [
          () => e.channel.submitPayment({ signedPayment: 'x'.repeat(9000), attestationToken: e.token }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            e.channel.confirmStepUp({ transactionId: 'nope', signedConfirmation: 'a.b.c', attestationToken: e.token }),
          'INVALID_ARGUMENT',
        ],
        [
          () =>
            e.channel.confirmStepUp({
              transactionId: randomUUID(),
              signedConfirmation: 'x'.repeat(5000),
              attestationToken: e.token,
            }),
          'INVALID_ARGUMENT',
        ],
        [() => e.channel.paymentRequests(''), 'INVALID_ARGUMENT'],
        [() => e.channel.paymentRequests('wallet-of-someone'), 'LEDGER_ACCOUNT_NOT_FOUND'],
      ];
      try {
        for (const [run, code] of cases) expect(await codeOf(run())).toBe(code);
      } finally {
        Object.assign(store, originals);
      }
      expect(writes).toEqual([]);
      expect(await snapshot()).toBe(before);
    },
    60_000,
  );

  it(
    'bad encodings on the gRPC wire: a string field with invalid ' +
      'UTF-8 is INVALID_ARGUMENT; an oversize message is refused',
    async () => {
      const tls = readTls({
        ca: env.stack.pki.ca,
        cert: env.stack.pki.cert('operator'),
        key: env.stack.pki.key('operator'),
      });
      const client = new grpc.Client(env.transactionAddr, grpc.credentials.createSsl(tls.ca, tls.key, tls.cert), {
        'grpc.ssl_target_name_override': 'transaction',
        'grpc.default_authority': 'transaction',
      });
      const raw = (method: string, bytes: Buffer) =>
        new Promise<string>((resolve) => {
          client.makeUnaryRequest(
            `/dfs.v1.TransactionService/${method}`,
            (b: Buffer) => b,
            (b: Buffer) => b,
            bytes,
            (err) => {
              resolve(err ? String(err.metadata?.get(ERROR_CODE_KEY)[0] ?? grpc.status[err.code]) : 'OK');
            },
          );
        });
      expect(await raw('GetBalance', Buffer.from([0x0a, 0x03, 0x61, 0xff, 0xfe]))).toBe('INVALID_ARGUMENT');
      expect(await raw('GetTransaction', Buffer.from([0x0a, 0x02, 0xc3, 0x28]))).toBe('INVALID_ARGUMENT');
      expect(
        await raw('GetBalance', Buffer.concat([Buffer.from([0x0a, 0x80, 0x80, 0x20]), Buffer.alloc(512 * 1024, 0x61)])),
      ).toBe('RESOURCE_EXHAUSTED');
      client.close();
    },
  );
});
