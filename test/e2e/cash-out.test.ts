import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balance } from '../../cli/threats/scenarios/setup.js';
import type { Frame } from '../../device-sim/src/ui/native-ui.js';
import { codeOf } from '../support/expect-code.js';
import { expectConforms, gsmaCode } from '../support/openapi-conformance.js';
import { integratorStack, riskGet } from '../support/stack.js';
import { revokeDevice } from '../../services/attestation/src/domain/operator.js';
import type { AttestationStore } from '../../services/attestation/src/store/ports.js';
import { expectNoPayerSide } from '../unit/transaction/http-harness.js';

const MM = '/v1.2/mm';
type Json = Record<string, unknown> & { error?: { errorParameters: { key: string; value: string }[] } };
const party = (value: string) => [{ key: 'accountid', value }];
const KES = (minorUnits: number) => ({ minorUnits: String(minorUnits), currency: 'KES' });

/**
 * Cash-out at an agent with a GSMA authorisation code, on the embedded stack (the real store and bus
 * when MONGODB_URI / KAFKA_BROKERS are set): the customer makes a one-time code on the phone's native
 * UI with the PIN (eSE-signed order, CreateAuthorisationCode over mTLS), the phone shows it, and the
 * agent `agent` (agent-* accounts, allowed withdrawals) records the withdrawal with it over
 * POST /v1.2/mm/transactions/type/withdrawal; `shop` (shop-* accounts) may not. Responses are checked
 * against the OpenAPI and for anything of the payer's side. A device's standing is remembered for five
 * minutes here, so only asking the registry at the redemption sees a revocation whose event is lost.
 */
describe('cash-out with a one-time code made on the phone (GSMA withdrawal, authorisation codes)', () => {
  let env: Awaited<ReturnType<typeof integratorStack>>;
  let base: string;
  let registry: AttestationStore | undefined;
  const keys = { agent: randomBytes(24).toString('base64url'), shop: randomBytes(24).toString('base64url') };

  const withdraw = async (
    from: string,
    to: string,
    amount: number,
    oneTimeCode: string,
    cid: string = randomUUID(),
    key = keys.agent,
  ) => {
    const path = `${MM}/transactions/type/withdrawal`;
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json', 'X-CorrelationID': cid },
      body: JSON.stringify({
        amount: String(amount),
        currency: 'KES',
        debitParty: party(from),
        creditParty: party(to),
        oneTimeCode,
      }),
    });
    const text = await res.text();
    expectNoPayerSide(text);
    expectConforms('POST', path, res.status, text);
    return { status: res.status, body: JSON.parse(text) as Json };
  };
  const read = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { 'X-API-Key': keys.agent } });
    const text = await res.text();
    expectConforms('GET', path, res.status, text);
    return JSON.parse(text) as Json;
  };
  /** A customer whose phone holds a wallet of `minorUnits`, every native UI frame kept. */
  const customer = async (minorUnits: number) => {
    const frames: Frame[] = [];
    const user = { confirm: async (frame: Frame) => (frames.push(frame), true), enterPin: async () => '2580' };
    const phone = await env.world.phone('secure', { user });
    const wallet = env.world.newId('wallet');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, minorUnits, 'KES');
    return { phone, wallet, deviceId: e.deviceId, frames };
  };
  const till = async (prefix = 'agent') => {
    const id = env.world.newId(prefix);
    await env.world.openWallet(id, '', 0, 'KES');
    return id;
  };
  const balances = (...ids: string[]) => Promise.all(ids.map((id) => balance(env.world, id)));
  /** Another 8-digit code than `code`. */
  const other = (code: string, i = 1) => String((Number(code) + i) % 100_000_000).padStart(8, '0');

  beforeAll(async () => {
    env = await integratorStack(
      [
        { id: 'agent', apiKey: keys.agent, accounts: ['agent-*'], types: ['withdrawal'] },
        { id: 'shop', apiKey: keys.shop, accounts: ['shop-*'] },
      ],
      { DEVICE_STATUS_MAX_AGE_MS: '300000' },
      { attestation: { wrapStore: (s) => (registry = s) } },
    );
    base = env.base;
  }, 120_000);
  afterAll(() => env?.close());

  it('the phone shows a code made with the PIN; the agent cashes it out once, asked of risk', async () => {
    const c = await customer(5_000);
    const agent = await till();
    const code = await c.phone.daemon.createCashOutCode(KES(1_500));
    expect(code).toMatchObject({ payer: c.wallet, amount: KES(1_500), codeState: 'active' });
    expect(c.frames[0]!.lines).toContain('Cash-out code for KES 15.00');
    expect(c.phone.ui.frames.at(-1)!.lines).toEqual(expect.arrayContaining([code.authorisationCode, 'KES 15.00']));
    expect(await balances(c.wallet, agent)).toEqual([5_000, 0]);

    const cid = randomUUID();
    const done = await withdraw(c.wallet, agent, 1_500, code.authorisationCode, cid);
    expect([done.status, done.body.status, done.body.clientCorrelationId]).toEqual([202, 'completed', cid]);
    const txId = done.body.objectReference as string;
    expect(await balances(c.wallet, agent)).toEqual([3_500, 1_500]);
    expect(await read(`${MM}/transactions/${txId}`)).toMatchObject({
      type: 'withdrawal',
      transactionStatus: 'completed',
      amount: '1500',
      debitParty: party(c.wallet),
      creditParty: party(agent),
    });
    const trail = await riskGet(env.stack, `/v1/decisions/${txId}?stage=step-up`);
    expect(trail.status).toBe(200);
    expect(await trail.json()).toMatchObject({ decision: 'APPROVE', deviceId: c.deviceId, payer: c.wallet });

    const again = await withdraw(c.wallet, agent, 1_500, code.authorisationCode, cid);
    expect([again.status, again.body.objectReference]).toEqual([202, txId]);
    const reused = await withdraw(c.wallet, agent, 1_500, code.authorisationCode);
    expect([reused.status, gsmaCode(reused.body)]).toEqual([403, 'AUTHORISATION_CODE_INVALID']);
    expect(await balances(c.wallet, agent)).toEqual([3_500, 1_500]);
  }, 60_000);

  it('a code whose phone is revoked before redemption (event lost): DEVICE_REVOKED, nothing moves', async () => {
    const c = await customer(5_000);
    const agent = await till();
    const { authorisationCode: code } = await c.phone.daemon.createCashOutCode(KES(1_500));
    // Revoked in the registry alone: no device.revoked reaches risk or the transaction service, whose
    // remembered standing (from making the code) still reads ACTIVE.
    const silent = async () => {};
    const events = { attested: silent, rejected: silent, revoked: silent, reverified: silent };
    await revokeDevice(c.deviceId, 'reported stolen', { store: registry!, events, now: Date.now });

    const cid = randomUUID();
    const refused = await withdraw(c.wallet, agent, 1_500, code, cid);
    expect([refused.status, gsmaCode(refused.body)]).toEqual([403, 'DEVICE_REVOKED']);
    const retried = await withdraw(c.wallet, agent, 1_500, code, cid);
    expect([retried.status, gsmaCode(retried.body)]).toEqual([403, 'DEVICE_REVOKED']);
    const elsewhere = await withdraw(c.wallet, agent, 1_500, code);
    expect([elsewhere.status, gsmaCode(elsewhere.body)]).toEqual([403, 'AUTHORISATION_CODE_INVALID']);
    expect(await balances(c.wallet, agent)).toEqual([5_000, 0]);
  }, 60_000);

  it('a code is good only for its wallet and amount, and five wrong guesses lock it', async () => {
    const c = await customer(5_000);
    const neighbour = await customer(5_000);
    const agent = await till();
    const { authorisationCode: code } = await c.phone.daemon.createCashOutCode(KES(1_000));
    const refusals = [
      await withdraw(c.wallet, agent, 999, code),
      await withdraw(neighbour.wallet, agent, 1_000, code),
      ...[1, 2, 3, 4].map(() => null),
    ];
    for (const i of [1, 2, 3, 4]) refusals[i + 1] = await withdraw(c.wallet, agent, 1_000, other(code, i));
    expect(refusals.map((r) => [r!.status, gsmaCode(r!.body)])).toEqual(
      Array(6).fill([403, 'AUTHORISATION_CODE_INVALID']),
    );
    const locked = await withdraw(c.wallet, agent, 1_000, code);
    expect([locked.status, gsmaCode(locked.body)]).toEqual([403, 'AUTHORISATION_CODE_INVALID']);
    expect(await balances(c.wallet, neighbour.wallet, agent)).toEqual([5_000, 5_000, 0]);

    const fresh = await c.phone.daemon.createCashOutCode(KES(1_000));
    const paid = await withdraw(c.wallet, agent, 1_000, fresh.authorisationCode);
    expect([paid.status, paid.body.status]).toEqual([202, 'completed']);
    expect(await balances(c.wallet, agent)).toEqual([4_000, 1_000]);
  }, 60_000);

  it('six agents racing on one code: exactly one withdrawal posts', async () => {
    const c = await customer(5_000);
    const agent = await till();
    const { authorisationCode: code } = await c.phone.daemon.createCashOutCode(KES(2_000));
    const burst = await Promise.all(Array.from({ length: 6 }, () => withdraw(c.wallet, agent, 2_000, code)));
    const outcomes = burst.map((r) => (r.status === 202 ? String(r.body.status) : gsmaCode(r.body)));
    expect(outcomes.sort()).toEqual(['completed', ...Array(5).fill('AUTHORISATION_CODE_INVALID')].sort());
    expect(await balances(c.wallet, agent)).toEqual([3_000, 2_000]);
  }, 60_000);

  it('refusals carry stable codes and spend nothing; a code beyond the balance fails in the ledger', async () => {
    const c = await customer(1_000);
    const agent = await till();
    const shopTill = await till('shop');
    const { authorisationCode: code } = await c.phone.daemon.createCashOutCode(KES(800));
    const cases: [Awaited<ReturnType<typeof withdraw>>, number, string][] = [
      [await withdraw(c.wallet, shopTill, 800, code, randomUUID(), keys.shop), 403, 'CALLER_NOT_ALLOWED'],
      [await withdraw(c.wallet, shopTill, 800, code), 403, 'CALLER_NOT_ALLOWED'],
      [await withdraw(c.wallet, agent, 800, '12ab'), 400, 'INVALID_ARGUMENT'],
      [await withdraw(agent, agent, 800, code), 400, 'INVALID_ARGUMENT'],
    ];
    expect(cases.map(([r]) => [r.status, gsmaCode(r.body)])).toEqual(cases.map(([, s, k]) => [s, k]));
    const paid = await withdraw(c.wallet, agent, 800, code);
    expect([paid.status, paid.body.status]).toEqual([202, 'completed']);

    const big = await c.phone.daemon.createCashOutCode(KES(900));
    const short = await withdraw(c.wallet, agent, 900, big.authorisationCode);
    expect([short.status, short.body.status, gsmaCode(short.body.error as Json)]).toEqual([
      202,
      'failed',
      'LEDGER_INSUFFICIENT_FUNDS',
    ]);
    expect(await balances(c.wallet, agent)).toEqual([200, 800]);
  }, 60_000);

  it("a code order for another wallet or currency than the phone's own is refused on the phone's channel", async () => {
    const c = await customer(1_000);
    expect(await codeOf(c.phone.daemon.createCashOutCode({ minorUnits: '100', currency: 'UGX' }))).toBe(
      'LEDGER_CURRENCY_MISMATCH',
    );
    expect(await codeOf(c.phone.daemon.createCashOutCode({ minorUnits: '0', currency: 'KES' }))).toBe('AMOUNT_INVALID');
  }, 60_000);
});
