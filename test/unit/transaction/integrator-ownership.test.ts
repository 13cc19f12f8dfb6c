import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccount } from '../../../services/transaction/src/domain/accounts.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { gsmaCode } from '../../support/openapi-conformance.js';
import { payloadOf } from './harness.js';
import { httpHarness } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;
type Json = Record<string, unknown> & { errorParameters?: { key: string; value: string }[] };
const MM = '/v1.2/mm';
const party = (value: string) => [{ key: 'accountid', value }];
const field = (body: Json) => body.errorParameters?.find((p) => p.key === 'field')?.value;

/**
 * An integrator's account pattern is only an id prefix: `shop-a` (accounts `shop-a-*`) must not get a
 * customer's wallet held by a phone whose id happens to match (`shop-a-wallet-…`) as its own, to debit,
 * reverse from, collect into or read. Its own account (no holding device) beside it still works.
 */
describe("a phone's wallet whose id matches an integrator's account pattern is never the integrator's", () => {
  let env: Env;
  let victim: Awaited<ReturnType<Env['h']['phone']>>;
  let customer: string;
  const payroll = 'shop-a-payroll';
  beforeAll(async () => {
    env = await httpHarness();
    victim = await env.h.phone(1_000, 'KES', 'HIGH', `shop-a-wallet-${randomUUID().slice(0, 8)}`);
    customer = (await env.h.phone(0)).accountId;
    const opening = { minorUnits: 5_000, currency: 'KES' };
    await openAccount({ accountId: payroll, holderDeviceId: null, opening, currency: 'KES' }, env.h.deps);
  });
  afterAll(async () => {
    await env?.close();
  });
  const post = async (path: string, json: unknown) => {
    const res = await env.call(path, { method: 'POST', json, correlationId: randomUUID() });
    return [res.status, gsmaCode((await res.json()) as Json)] as const;
  };
  const get = async (path: string) => {
    const res = await env.call(path);
    return [res.status, gsmaCode((await res.json()) as Json)] as const;
  };
  const disburse = (from: string) =>
    env.call(`${MM}/transactions/type/disbursement`, {
      method: 'POST',
      json: { amount: '300', currency: 'KES', debitParty: party(from), creditParty: party(customer) },
      correlationId: randomUUID(),
    });

  it('a disbursement debiting it is CALLER_NOT_ALLOWED (debitParty); from the own account it completes', async () => {
    const before = await env.h.balances();
    const refused = await disburse(victim.accountId);
    const body = (await refused.json()) as Json;
    expect([refused.status, gsmaCode(body), field(body)]).toEqual([403, 'CALLER_NOT_ALLOWED', 'debitParty']);
    expect(await env.h.balances()).toEqual(before);

    const paid = await disburse(payroll);
    expect([paid.status, ((await paid.json()) as Json).status]).toEqual([202, 'completed']);
    const after = await env.h.balances();
    expect([after.get(victim.accountId), after.get(payroll), after.get(customer)]).toEqual([1_000, 4_700, 300]);
  });

  it('its balance and transactions read LEDGER_ACCOUNT_NOT_FOUND; the own account reads', async () => {
    expect(await get(`${MM}/accounts/accountid/${victim.accountId}/balance`)).toEqual([
      404,
      'LEDGER_ACCOUNT_NOT_FOUND',
    ]);
    expect(await get(`${MM}/accounts/accountid/${victim.accountId}/transactions`)).toEqual([
      404,
      'LEDGER_ACCOUNT_NOT_FOUND',
    ]);
    expect((await env.call(`${MM}/accounts/accountid/${payroll}/balance`)).status).toBe(200);
  });

  it('a request to pay into it is CALLER_NOT_ALLOWED (creditParty)', async () => {
    const res = await env.call(`${MM}/transactions/type/merchantpay`, {
      method: 'POST',
      json: { amount: '100', currency: 'KES', debitParty: party(customer), creditParty: party(victim.accountId) },
      correlationId: randomUUID(),
    });
    const body = (await res.json()) as Json;
    expect([res.status, gsmaCode(body), field(body)]).toEqual([403, 'CALLER_NOT_ALLOWED', 'creditParty']);
  });

  it("a customer's payment into it can be neither read nor reversed: TRANSACTION_NOT_FOUND", async () => {
    const payer = await env.h.phone(800);
    const signed = await payer.sign(payer.payment(victim.accountId, 200));
    const { transactionId } = payloadOf(await submitPayment(signed, payer.token, payer.peer, env.h.deps));
    const before = await env.h.balances();
    expect([before.get(payer.accountId), before.get(victim.accountId)]).toEqual([600, 1_200]);
    expect(await get(`${MM}/transactions/${transactionId}`)).toEqual([404, 'TRANSACTION_NOT_FOUND']);
    expect(await post(`${MM}/transactions/${transactionId}/reversals`, { type: 'reversal' })).toEqual([
      404,
      'TRANSACTION_NOT_FOUND',
    ]);
    expect(await env.h.balances()).toEqual(before);
  });
});
