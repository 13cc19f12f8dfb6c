import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balance } from '../../cli/threats/scenarios/setup.js';
import type { Frame } from '../../device-sim/src/ui/native-ui.js';
import { codeOf } from '../support/expect-code.js';
import { expectConforms, gsmaCode } from '../support/openapi-conformance.js';
import { fundedPhone, integratorStack } from '../support/stack.js';
import { expectNoPayerSide } from '../unit/transaction/http-harness.js';

const MM = '/v1.2/mm';
type Json = Record<string, unknown> & {
  errorParameters?: { key: string; value: string }[];
  error?: { errorParameters: { key: string; value: string }[] };
};
const party = (value: string) => [{ key: 'accountid', value }];

/**
 * The integrator's own money movements over the GSMA MM API v1.2 routes on the embedded stack (the
 * real store and bus when MONGODB_URI / KAFKA_BROKERS are set): disbursement and deposit into a
 * phone's wallet, reversal of a payment the phone made on its native UI, and a P2P transfer the
 * payer's phone confirms on its native UI. Two integrators: `dev` (merchant-* accounts, may ask for
 * transfers) and `other` (other-* accounts, merchantpay only). Every response is checked against the OpenAPI.
 */
describe('integrator money movements (GSMA disbursement, deposit, reversal) on the embedded stack', () => {
  let env: Awaited<ReturnType<typeof integratorStack>>;
  let base: string;
  const keys = { dev: randomBytes(24).toString('base64url'), other: randomBytes(24).toString('base64url') };
  const api = async (
    path: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
    key: string = keys.dev,
  ) => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { 'X-API-Key': key, ...init.headers } });
    const text = await res.text();
    expectNoPayerSide(text);
    expectConforms(init.method ?? 'GET', path, res.status, text);
    return { status: res.status, body: JSON.parse(text) as Json };
  };
  const post = (path: string, body: unknown, correlationId: string = randomUUID(), key?: string) =>
    api(
      path,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CorrelationID': correlationId },
        body: JSON.stringify(body),
      },
      key,
    );
  const credit = (kind: string, from: string, to: string, amount: number, cid?: string) =>
    post(
      `${MM}/transactions/type/${kind}`,
      { amount: String(amount), currency: 'KES', debitParty: party(from), creditParty: party(to) },
      cid,
    );
  /** A phone with a wallet and a `merchant-*` account holding `float` (opened by the operator). */
  const setup = async (wallet = 1_000, float = 10_000) => {
    const p = await fundedPhone(env.world, 'secure', wallet);
    const till = env.world.newId('merchant');
    await env.world.openWallet(till, '', float, 'KES');
    return { ...p, till };
  };

  // the suite's bursts (six concurrent reversals, then reads) come from one integrator: integratorStack lifts its limit
  beforeAll(async () => {
    env = await integratorStack([
      { id: 'dev', apiKey: keys.dev, accounts: ['merchant-*'], types: ['transfer'] },
      { id: 'other', apiKey: keys.other, accounts: ['other-*'] },
    ]);
    base = env.base;
  }, 120_000);
  afterAll(() => env?.close());

  it('a disbursement and a deposit credit the wallet at once, idempotently per X-CorrelationID', async () => {
    const { wallet, till } = await setup(1_000, 10_000);
    const cid = randomUUID();
    const paid = await credit('disbursement', till, wallet, 2_500, cid);
    expect([paid.status, paid.body.status, paid.body.clientCorrelationId]).toEqual([202, 'completed', cid]);
    const txId = paid.body.objectReference as string;
    expect(await balance(env.world, wallet)).toBe(3500);

    const again = await credit('disbursement', till, wallet, 2_500, cid);
    expect([again.status, again.body.serverCorrelationId, again.body.objectReference]).toEqual([
      202,
      paid.body.serverCorrelationId,
      txId,
    ]);
    const reused = await credit('disbursement', till, wallet, 2_501, cid);
    expect([reused.status, gsmaCode(reused.body)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const crossType = await credit('deposit', till, wallet, 2_500, cid);
    expect([crossType.status, gsmaCode(crossType.body)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await balance(env.world, wallet)).toBe(3500);

    const tx = await api(`${MM}/transactions/${txId}`);
    expect(tx.body).toMatchObject({
      transactionStatus: 'completed',
      type: 'disbursement',
      amount: '2500',
      debitParty: party(till),
      creditParty: party(wallet),
    });
    expect((await api(`${MM}/responses/${cid}`)).body).toEqual({ link: `${MM}/transactions/${txId}` });
    const state = await api(`${MM}/requeststates/${paid.body.serverCorrelationId as string}`);
    expect([state.body.status, state.body.objectReference]).toEqual(['completed', txId]);

    const cashIn = await credit('deposit', till, wallet, 500);
    expect(cashIn.body.status).toBe('completed');
    const deposit = await api(`${MM}/transactions/${cashIn.body.objectReference as string}`);
    expect([deposit.body.type, deposit.body.transactionStatus]).toEqual(['deposit', 'completed']);
    expect(await balance(env.world, wallet)).toBe(4000);
    expect((await api(`${MM}/accounts/accountid/${till}/balance`)).body.currentBalance).toBe('7000');
  }, 60_000);

  it('insufficient integrator funds: the transaction fails (LEDGER_INSUFFICIENT_FUNDS), nothing moves', async () => {
    const { wallet, till } = await setup(1_000, 300);
    const res = await credit('disbursement', till, wallet, 301);
    expect([res.status, res.body.status, gsmaCode(res.body.error)]).toEqual([
      202,
      'failed',
      'LEDGER_INSUFFICIENT_FUNDS',
    ]);
    const tx = await api(`${MM}/transactions/${res.body.objectReference as string}`);
    expect([tx.body.transactionStatus, tx.body.code]).toEqual(['failed', 'LEDGER_INSUFFICIENT_FUNDS']);
    expect([await balance(env.world, wallet), await balance(env.world, till)]).toEqual([1000, 300]);
  }, 60_000);

  it('refuses what the integrator may not do, with stable codes, and moves nothing', async () => {
    const { wallet, till } = await setup(1_000, 1_000);
    const { merchant } = await fundedPhone(env.world, 'secure', 0);
    const cases: [Promise<{ status: number; body: Json }>, number, string][] = [
      [credit('disbursement', wallet, till, 100), 403, 'CALLER_NOT_ALLOWED'],
      [credit('disbursement', till, merchant, 100), 404, 'LEDGER_ACCOUNT_NOT_FOUND'],
      [post(`${MM}/transactions/type/disbursement`, { amount: 100 }), 400, 'INVALID_ARGUMENT'],
      [post(`${MM}/transactions/type/deposit`, {}, 'not-a-uuid-42'), 400, 'INVALID_ARGUMENT'],
      [
        post(
          `${MM}/transactions/type/disbursement`,
          {
            amount: '100',
            currency: 'KES',
            debitParty: party(till),
            creditParty: party(wallet),
          },
          randomUUID(),
          keys.other,
        ),
        403,
        'CALLER_NOT_ALLOWED',
      ],
    ];
    for (const [call, status, code] of cases) {
      const res = await call;
      expect([res.status, gsmaCode(res.body)]).toEqual([status, code]);
    }
    expect([await balance(env.world, wallet), await balance(env.world, till)]).toEqual([1000, 1000]);
  }, 60_000);

  it('reverses a payment paid on the native UI once, under concurrent asks, and only for its payee', async () => {
    const { phone, wallet, merchant } = await fundedPhone(env.world, 'secure', 5_000);
    const request = await post(`${MM}/transactions/type/merchantpay`, {
      amount: '1200',
      currency: 'KES',
      debitParty: party(wallet),
      creditParty: party(merchant),
    });
    const paid = await phone.daemon.payRequest(request.body.serverCorrelationId as string);
    expect(paid.status).toBe('POSTED');
    expect([await balance(env.world, wallet), await balance(env.world, merchant)]).toEqual([3800, 1200]);
    const reversals = `${MM}/transactions/${paid.transactionId}/reversals`;

    const foreign = await post(reversals, { type: 'reversal' }, randomUUID(), keys.other);
    expect([foreign.status, gsmaCode(foreign.body)]).toEqual([404, 'TRANSACTION_NOT_FOUND']);
    const partial = await post(reversals, { type: 'reversal', amount: '600', currency: 'KES' });
    expect([partial.status, gsmaCode(partial.body)]).toEqual([409, 'TRANSACTION_NOT_REVERSIBLE']);
    expect(await balance(env.world, wallet)).toBe(3800);

    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(reversals, i % 2 ? { type: 'reversal' } : { type: 'reversal', amount: '1200', currency: 'KES' }),
      ),
    );
    expect(burst.map((r) => [r.status, r.body.status])).toEqual(Array(6).fill([202, 'completed']));
    const ids = new Set(burst.map((r) => r.body.objectReference));
    expect(ids.size).toBe(1);
    expect([await balance(env.world, wallet), await balance(env.world, merchant)]).toEqual([5000, 0]);
    const reversal = await api(`${MM}/transactions/${[...ids][0] as string}`);
    expect(reversal.body).toMatchObject({
      type: 'reversal',
      transactionStatus: 'completed',
      amount: '1200',
      originalTransactionReference: paid.transactionId,
      debitParty: party(merchant),
      creditParty: party(wallet),
    });
    const late = await post(reversals, { type: 'reversal' });
    expect([late.status, late.body.objectReference]).toEqual([202, [...ids][0]]);
    expect(await balance(env.world, wallet)).toBe(5000);
  }, 90_000);
  /** A phone whose holder confirms (or cancels) on the native UI, every frame it was shown kept. */
  const customer = async (minorUnits: number, confirms = true) => {
    const frames: Frame[] = [];
    const user = {
      confirm: async (frame: Frame) => (frames.push(frame), confirms),
      enterPin: async () => '2580',
    };
    const phone = await env.world.phone('secure', { user });
    const wallet = env.world.newId('wallet');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, minorUnits, 'KES');
    return { phone, wallet, frames };
  };
  const transfer = (from: string, to: string, amount: number, cid?: string, key?: string) =>
    post(
      `${MM}/transactions/type/transfer`,
      { amount: String(amount), currency: 'KES', debitParty: party(from), creditParty: party(to), subType: 'family' },
      cid,
      key,
    );

  it("a P2P transfer moves nothing until the payer's phone confirms it on its native UI with the PIN", async () => {
    const payer = await customer(5_000);
    const payee = await customer(100);
    const cid = randomUUID();
    const asked = await transfer(payer.wallet, payee.wallet, 1_500, cid);
    expect([asked.status, asked.body.status]).toEqual([202, 'pending']);
    const requestId = asked.body.serverCorrelationId as string;
    expect((await transfer(payer.wallet, payee.wallet, 1_500, cid)).body.serverCorrelationId).toBe(requestId);
    expect([await balance(env.world, payer.wallet), await balance(env.world, payee.wallet)]).toEqual([5_000, 100]);

    const paid = await payer.phone.daemon.payRequest(requestId);
    expect(paid.status).toBe('POSTED');
    const shown = payer.frames.at(-1)!.lines;
    expect(shown).toEqual(expect.arrayContaining([`to ${payee.wallet}`, `from ${payer.wallet}`]));
    expect([await balance(env.world, payer.wallet), await balance(env.world, payee.wallet)]).toEqual([3_500, 1_600]);
    const tx = await api(`${MM}/transactions/${paid.transactionId}`);
    expect(tx.body).toMatchObject({
      type: 'transfer',
      subType: 'family',
      transactionStatus: 'completed',
      amount: '1500',
      debitParty: party(payer.wallet),
      creditParty: party(payee.wallet),
      serverCorrelationId: requestId,
    });
    expect((await api(`${MM}/responses/${cid}`)).body).toEqual({ link: `${MM}/transactions/${paid.transactionId}` });
  }, 90_000);

  it('a P2P transfer the payer cancels on the phone moves nothing; refusals carry stable codes', async () => {
    const payer = await customer(5_000, false);
    const payee = await customer(0);
    const asked = await transfer(payer.wallet, payee.wallet, 700);
    const requestId = asked.body.serverCorrelationId as string;
    expect(await codeOf(payer.phone.daemon.payRequest(requestId))).toBe('PAYMENT_CANCELLED');
    expect(payer.frames.at(-1)!.lines).toContain(`to ${payee.wallet}`);
    expect((await api(`${MM}/requeststates/${requestId}`)).body.status).toBe('pending');
    expect([await balance(env.world, payer.wallet), await balance(env.world, payee.wallet)]).toEqual([5_000, 0]);

    const { merchant } = await fundedPhone(env.world, 'secure', 0);
    const cases: [Promise<{ status: number; body: Json }>, number, string][] = [
      [transfer(payer.wallet, payee.wallet, 700, randomUUID(), keys.other), 403, 'CALLER_NOT_ALLOWED'],
      [transfer(payer.wallet, merchant, 700), 404, 'LEDGER_ACCOUNT_NOT_FOUND'],
      [transfer(payer.wallet, payer.wallet, 700), 400, 'INVALID_ARGUMENT'],
    ];
    for (const [call, status, code] of cases) {
      const res = await call;
      expect([res.status, gsmaCode(res.body)]).toEqual([status, code]);
    }
    expect([await balance(env.world, payer.wallet), await balance(env.world, payee.wallet)]).toEqual([5_000, 0]);
  }, 90_000);
  it('quotes a P2P transfer: one signed quote, zero fees, an expiry, nothing moved', async () => {
    const payer = await customer(2_000);
    const payee = await customer(0);
    const res = await post(`${MM}/quotations`, {
      requestAmount: '900',
      requestCurrency: 'KES',
      debitParty: party(payer.wallet),
      creditParty: party(payee.wallet),
      type: 'transfer',
    });
    expect([res.status, res.body.quotationStatus, res.body.requestAmount]).toEqual([201, 'completed', '900']);
    const [q] = res.body.quotes as {
      sendingAmount: string;
      receivingAmount: string;
      fees: unknown[];
      quoteExpiryTime: string;
    }[];
    expect([q!.sendingAmount, q!.receivingAmount, q!.fees]).toEqual(['900', '900', []]);
    expect(Date.parse(q!.quoteExpiryTime)).toBeGreaterThan(Date.now());
    expect([await balance(env.world, payer.wallet), await balance(env.world, payee.wallet)]).toEqual([2_000, 0]);
  }, 60_000);
});
