import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balance } from '../../cli/threats/scenarios/setup.js';
import { expectConforms, gsmaCode } from '../support/openapi-conformance.js';
import { integratorStack } from '../support/stack.js';
import { expectNoPayerSide } from '../unit/transaction/http-harness.js';

const MM = '/v1.2/mm';
type Json = Record<string, unknown>;

/**
 * GSMA `msisdn` identifiers on the embedded stack (the real store and bus when MONGODB_URI /
 * KAFKA_BROKERS are set): a phone's SIM report (eSE-signed, sent at enrollment) binds its number to
 * its wallet only when the operator confirms the number's working SIM is the reported one, and the
 * number names the wallet only while the operator still does (it is asked at every resolution).
 */
describe("msisdn identifiers: a number names the wallet of the phone holding its SIM, on the operator's word", () => {
  let env: Awaited<ReturnType<typeof integratorStack>>;
  const key = randomBytes(24).toString('base64url');
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${env.base}${path}`, {
      method,
      headers: {
        'X-API-Key': key,
        'Content-Type': 'application/json',
        ...(method === 'POST' ? { 'X-CorrelationID': randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    expectNoPayerSide(text);
    expectConforms(method, path, res.status, text);
    return { status: res.status, body: JSON.parse(text) as Json };
  };
  const disburse = (from: string, msisdn: string, amount: number) =>
    send('POST', `${MM}/transactions/type/disbursement`, {
      amount: String(amount),
      currency: 'KES',
      debitParty: [{ key: 'accountid', value: from }],
      creditParty: [{ key: 'msisdn', value: msisdn }],
    });
  /** A phone holding `sim` (a new line by default), enrolled (which reports its SIM) with a named wallet. */
  const customer = async (sim?: { msisdn: string; imsi: string; iccid: string }) => {
    const card = sim ?? (await env.world.mno!.newLine());
    const phone = await env.world.phone('secure', { sim: card });
    const wallet = env.world.newId('wallet');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, 1_000, 'KES', 'Amina Otieno');
    return { phone, wallet, msisdn: card.msisdn };
  };
  const till = async () => {
    const id = env.world.newId('merchant');
    await env.world.openWallet(id, '', 100_000, 'KES');
    return id;
  };

  beforeAll(async () => {
    env = await integratorStack([{ id: 'dev', apiKey: key, accounts: ['merchant-*'] }]);
  }, 120_000);
  afterAll(() => env?.close());

  it('name lookup, a disbursement and a request to pay address the wallet by its phone number', async () => {
    const c = await customer();
    const from = await till();
    const number = encodeURIComponent(c.msisdn);
    const name = await send('GET', `${MM}/accounts/msisdn/${number}/accountname`);
    expect([name.status, name.body]).toEqual([200, { name: { fullName: 'Amina Otieno' } }]);

    const paid = await disburse(from, c.msisdn, 500);
    expect([paid.status, paid.body.status]).toEqual([202, 'completed']);
    expect(await balance(env.world, c.wallet)).toBe(1_500);

    const asked = await send('POST', `${MM}/transactions/type/merchantpay`, {
      amount: '300',
      currency: 'KES',
      debitParty: [{ key: 'msisdn', value: c.msisdn }],
      creditParty: [{ key: 'accountid', value: from }],
    });
    expect(asked.status).toBe(202);
    const result = await c.phone.daemon.payRequest(asked.body.serverCorrelationId as string);
    expect([result.status, result.payer]).toEqual(['POSTED', c.wallet]);
    expect(await balance(env.world, c.wallet)).toBe(1_200);
  }, 60_000);

  it('another phone claiming the number binds nothing; a SIM swapped at the operator unbinds it', async () => {
    const victim = await customer();
    const from = await till();
    const forged = { msisdn: victim.msisdn, imsi: `639${randomBytes(6).readUIntBE(0, 6) % 1e12}`, iccid: '8925400' };
    const attacker = await customer(forged);
    expect((await disburse(from, victim.msisdn, 400)).body.status).toBe('completed');
    expect([await balance(env.world, victim.wallet), await balance(env.world, attacker.wallet)]).toEqual([
      1_400, 1_000,
    ]);

    await env.world.mno!.swap(victim.msisdn);
    const gone = await disburse(from, victim.msisdn, 400);
    expect([gone.status, gsmaCode(gone.body)]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
    const lookup = await send('GET', `${MM}/accounts/msisdn/${encodeURIComponent(victim.msisdn)}/accountname`);
    expect([lookup.status, gsmaCode(lookup.body)]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
    expect([await balance(env.world, victim.wallet), await balance(env.world, attacker.wallet)]).toEqual([
      1_400, 1_000,
    ]);
  }, 60_000);

  it('refuses a malformed or unknown number with stable codes', async () => {
    const from = await till();
    const cases: [Awaited<ReturnType<typeof send>>, number, string][] = [
      [await disburse(from, '0712345678', 100), 400, 'INVALID_ARGUMENT'],
      [await disburse(from, '+254700000009', 100), 404, 'LEDGER_ACCOUNT_NOT_FOUND'],
      [await send('GET', `${MM}/accounts/msisdn/%2B254700000009/accountname`), 404, 'LEDGER_ACCOUNT_NOT_FOUND'],
      [await send('GET', `${MM}/accounts/msisdn/12ab/accountname`), 400, 'INVALID_ARGUMENT'],
      [await send('GET', `${MM}/accounts/iban/GB00/accountname`), 400, 'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED'],
    ];
    expect(cases.map(([r]) => [r.status, gsmaCode(r.body)])).toEqual(cases.map(([, s, c]) => [s, c]));
    const field = (r: Awaited<ReturnType<typeof send>>) =>
      (r.body.errorParameters as { key: string; value: string }[]).find((p) => p.key === 'field')?.value;
    expect(cases.slice(0, 3).map(([r]) => field(r))).toEqual([
      'creditParty.0.value',
      'creditParty.0.value',
      'identifier',
    ]);
  }, 60_000);
});
