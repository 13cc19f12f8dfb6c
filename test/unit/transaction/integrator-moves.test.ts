import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '../../../kit/src/keys.js';
import { openAccount } from '../../../services/transaction/src/domain/accounts.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { gsmaCode } from '../../support/openapi-conformance.js';
import { payloadOf } from './harness.js';
import { httpHarness, KEY_B } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;
const MM = '/v1.2/mm';
const party = (value: string) => [{ key: 'accountid', value }];
type Json = Record<string, unknown> & { errorParameters?: { key: string; value: string }[] };
const field = (body: Json) => body.errorParameters?.find((p) => p.key === 'field')?.value;

describe('integrator money movements at the HTTP edge: refusals store and move nothing', () => {
  let env: Env;
  let wallet: string;
  const payroll = 'shop-a-payroll';
  beforeAll(async () => {
    env = await httpHarness();
    wallet = (await env.h.phone(1_000)).accountId;
    const opening = { minorUnits: 5_000, currency: 'KES' };
    await openAccount({ accountId: payroll, holderDeviceId: null, opening, currency: 'KES' }, env.h.deps);
  });
  afterAll(async () => {
    await env?.close();
  });
  const post = async (path: string, json: unknown, correlationId = randomUUID(), key?: string) => {
    const res = await env.call(path, { method: 'POST', json, correlationId, key });
    return { status: res.status, body: (await res.json()) as Json, correlationId };
  };
  const credit = (extra: Record<string, unknown> = {}) => ({
    amount: '100',
    currency: 'KES',
    debitParty: party(payroll),
    creditParty: party(wallet),
    ...extra,
  });

  it('refuses malformed credit and reversal bodies naming the field, and records no correlation id', async () => {
    const before = await env.h.balances();
    const someId = randomUUID();
    const cases: [Promise<{ status: number; body: Json; correlationId: string }>, number, string, string][] = [
      [post(`${MM}/transactions/type/disbursement`, credit({ amount: 100 })), 400, 'INVALID_ARGUMENT', 'amount'],
      [post(`${MM}/transactions/type/deposit`, credit({ amount: '1.00' })), 400, 'AMOUNT_INVALID', 'amount'],
      [post(`${MM}/transactions/type/deposit`, credit({ currency: 'XXX' })), 400, 'CURRENCY_INVALID', 'currency'],
      [post(`${MM}/transactions/type/deposit`, credit({ subType: 'x' })), 400, 'INVALID_ARGUMENT', 'subType'],
      [
        post(`${MM}/transactions/type/disbursement`, credit({ creditParty: [{ key: 'msisdn', value: '+2547' }] })),
        400,
        'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED',
        'creditParty.0.key',
      ],
      [post(`${MM}/transactions/${someId}/reversals`, {}), 400, 'INVALID_ARGUMENT', 'type'],
      [post(`${MM}/transactions/${someId}/reversals`, { type: 'adjustment' }), 400, 'INVALID_ARGUMENT', 'type'],
      [
        post(`${MM}/transactions/${someId}/reversals`, { type: 'reversal', amount: '100' }),
        400,
        'INVALID_ARGUMENT',
        'currency',
      ],
      [
        post(`${MM}/transactions/not-a-uuid/reversals`, { type: 'reversal' }),
        400,
        'INVALID_ARGUMENT',
        'transactionReference',
      ],
    ];
    for (const [call, status, code, name] of cases) {
      const res = await call;
      expect([res.status, gsmaCode(res.body), field(res.body)]).toEqual([status, code, name]);
      const found = await env.call(`${MM}/responses/${res.correlationId}`);
      expect([found.status, gsmaCode(await found.json())]).toEqual([404, 'PAYMENT_REQUEST_NOT_FOUND']);
    }
    expect(await env.h.balances()).toEqual(before);
  });

  it('reverses only whole payments into its accounts: its disbursement or a foreign payment is not found', async () => {
    const paid = await post(`${MM}/transactions/type/disbursement`, credit());
    expect([paid.status, paid.body.status]).toEqual([202, 'completed']);
    const disbursement = paid.body.objectReference as string;
    const again = await post(`${MM}/transactions/${disbursement}/reversals`, { type: 'reversal' });
    expect([again.status, gsmaCode(again.body)]).toEqual([404, 'TRANSACTION_NOT_FOUND']);

    const till = await env.h.merchant('KES', 'shop-a-till');
    const phone = await env.h.phone(500);
    const payment = payloadOf(
      await submitPayment(await phone.sign(phone.payment(till, 200)), phone.token, phone.peer, env.h.deps),
    );
    const foreign = await post(
      `${MM}/transactions/${payment.transactionId}/reversals`,
      { type: 'reversal' },
      undefined,
      KEY_B,
    );
    expect([foreign.status, gsmaCode(foreign.body)]).toEqual([404, 'TRANSACTION_NOT_FOUND']);
    const wrongCurrency = await post(`${MM}/transactions/${payment.transactionId}/reversals`, {
      type: 'reversal',
      amount: '200',
      currency: 'UGX',
    });
    expect([wrongCurrency.status, gsmaCode(wrongCurrency.body)]).toEqual([409, 'TRANSACTION_NOT_REVERSIBLE']);
    const whole = await post(`${MM}/transactions/${payment.transactionId}/reversals`, {
      type: 'reversal',
      amount: '200',
      currency: 'KES',
      descriptionText: 'order cancelled',
    });
    expect([whole.status, whole.body.status]).toEqual([202, 'completed']);
    const after = await env.h.balances();
    expect([after.get(phone.accountId), after.get(till)]).toEqual([500, 0]);
  });

  it('a transfer needs the integrator to hold the transfer type', async () => {
    const payee = (await env.h.phone(0)).accountId;
    const body = { amount: '100', currency: 'KES', debitParty: party(wallet), creditParty: party(payee) };
    const res = await post(`${MM}/transactions/type/transfer`, body);
    expect([res.status, gsmaCode(res.body), field(res.body)]).toEqual([403, 'CALLER_NOT_ALLOWED', 'type']);
  });

  it('quotes with zero fees and an expiry, signed, only between accounts the integrator may name', async () => {
    const held = async () => {
      const b = await env.h.balances();
      return [b.get(payroll), b.get(wallet)];
    };
    const before = await held();
    const ask = {
      requestAmount: '250',
      requestCurrency: 'KES',
      debitParty: party(payroll),
      creditParty: party(wallet),
    };
    const res = await post(`${MM}/quotations`, { ...ask, type: 'disbursement' });
    expect(res.status).toBe(201);
    const { payload } = await compactVerify(res.body.signed as string, createLocalJWKSet(jwks([env.h.resultKey])));
    const signed = JSON.parse(new TextDecoder().decode(payload));
    expect(signed).toMatchObject({
      typ: 'quotation',
      quotationStatus: 'completed',
      requestAmount: '250',
      type: 'disbursement',
    });
    expect(signed.quotes).toEqual([
      expect.objectContaining({ sendingAmount: '250', receivingAmount: '250', receivingCurrency: 'KES', fees: [] }),
    ]);
    expect(Date.parse(signed.quotes[0].quoteExpiryTime)).toBeGreaterThan(env.h.deps.now());
    expect(res.body.quotationReference).toBe(signed.quotationReference);

    const till = await env.h.merchant('KES', 'shop-b-till');
    const ugx = (await env.h.phone(0, 'UGX')).accountId;
    const cases: [Promise<{ status: number; body: Json }>, number, string, string | undefined][] = [
      [post(`${MM}/quotations`, { ...ask, creditParty: party(till) }), 404, 'LEDGER_ACCOUNT_NOT_FOUND', undefined],
      [post(`${MM}/quotations`, { ...ask, creditParty: party(ugx) }), 422, 'LEDGER_CURRENCY_MISMATCH', undefined],
      [post(`${MM}/quotations`, { ...ask, requestAmount: '0' }), 400, 'AMOUNT_INVALID', 'requestAmount'],
      [post(`${MM}/quotations`, { ...ask, fees: [] }), 400, 'INVALID_ARGUMENT', 'fees'],
    ];
    for (const [call, status, code, name] of cases) {
      const r = await call;
      expect([r.status, gsmaCode(r.body), field(r.body)]).toEqual([status, code, name]);
    }
    expect(await held()).toEqual(before);
  });
});
