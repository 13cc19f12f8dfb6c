import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratorKey } from '../../cli/threats/context.js';
import { expectConforms, gsmaCode } from '../support/openapi-conformance.js';
import { fundedPhone, testStack } from '../support/stack.js';
import { expectNoPayerSide } from '../unit/transaction/http-harness.js';

const MM = '/v1.2/mm';
type Json = Record<string, unknown> & { errorParameters?: { key: string; value: string }[] };

/**
 * The integrator API at GSMA MM API v1.2 shapes on the embedded stack (the real store and bus when
 * MONGODB_URI / KAFKA_BROKERS are set): every route, with the phone paying on its native UI; each
 * response checked against the OpenAPI and for the payer's side.
 */
describe('integrator REST API (GSMA MM API v1.2) on the embedded stack', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  let base: string;
  let key: string;
  const api = async (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { 'X-API-Key': key, ...init.headers } });
    const text = await res.text();
    expectNoPayerSide(text);
    expectConforms(init.method ?? 'GET', path, res.status, text);
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as Json };
  };
  const requestToPay = (body: unknown, correlationId: string = randomUUID(), headers: Record<string, string> = {}) =>
    api(`${MM}/transactions/type/merchantpay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CorrelationID': correlationId, ...headers },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    // the suite reads many pages in a burst from one integrator: lift its rate limit
    env = await testStack({ INTEGRATOR_RATE_PER_SEC: '1000', INTEGRATOR_RATE_BURST: '1000' });
    base = `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'transaction')!.httpPort}`;
    key = integratorKey(env.stack.stateDir)!;
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it(
    'merchantpay moves nothing until the phone pays on its native UI; then request state, response, ' +
      'transaction (echoing the GSMA optional fields), balance and account transactions read back',
    async () => {
      const { phone, wallet, merchant } = await fundedPhone(env.world, 'secure', 20_000);
      const cid = randomUUID();
      const extras = {
        subType: 'in-store',
        requestingOrganisationTransactionReference: 'till-7/0042',
        requestDate: '2026-12-03T09:30:00Z',
        metadata: [{ key: 'table', value: '7' }],
      };
      const created = await requestToPay(
        {
          amount: '4200',
          currency: 'KES',
          debitParty: [{ key: 'accountid', value: wallet }],
          creditParty: [{ key: 'accountid', value: merchant }],
          descriptionText: 'lunch',
          ...extras,
        },
        cid,
        { 'X-Date': new Date().toUTCString() },
      );
      expect([created.status, created.headers.get('x-correlationid'), created.body.status]).toEqual([
        202,
        cid,
        'pending',
      ]);
      const requestId = created.body.serverCorrelationId as string;
      expect((await api(`${MM}/accounts/accountid/${merchant}/balance`)).body.currentBalance).toBe('0');
      expect((await api(`${MM}/responses/${cid}`)).body).toEqual({ link: `${MM}/requeststates/${requestId}` });

      const paid = await phone.daemon.payRequest(requestId);
      expect([paid.status, paid.requestId]).toEqual(['POSTED', requestId]);

      const state = await api(`${MM}/requeststates/${requestId}`);
      expect([state.body.status, state.body.objectReference]).toEqual(['completed', paid.transactionId]);
      expect((await api(`${MM}/responses/${cid}`)).body).toEqual({ link: `${MM}/transactions/${paid.transactionId}` });
      const tx = await api(`${MM}/transactions/${paid.transactionId}`);
      expect(tx.body).toMatchObject({
        transactionReference: paid.transactionId,
        transactionStatus: 'completed',
        type: 'merchantpay',
        amount: '4200',
        currency: 'KES',
        creditParty: [{ key: 'accountid', value: merchant }],
        serverCorrelationId: requestId,
        descriptionText: 'lunch',
        ...extras,
      });
      const balance = await api(`${MM}/accounts/walletid/${merchant}/balance`);
      expect([balance.body.currentBalance, balance.body.availableBalance, balance.body.currency]).toEqual([
        '4200',
        '4200',
        'KES',
      ]);
      const list = await api(`${MM}/accounts/accountid/${merchant}/transactions?limit=10`);
      expect(list.headers.get('x-records-returned-count')).toBe('1');
      expect(list.body).toEqual([expect.objectContaining({ transactionReference: paid.transactionId, ...extras })]);
    },
    90_000,
  );

  it(
    'account transactions filter on creation time (both bounds inclusive) and status, and tell how many ' +
      'match in all (X-Records-Available-Count) whatever the page',
    async () => {
      const { phone, wallet, merchant } = await fundedPhone(env.world, 'secure', 1_000);
      const disburse = async (amount: string) => {
        const res = await api(`${MM}/transactions/type/disbursement`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CorrelationID': randomUUID() },
          body: JSON.stringify({
            amount,
            currency: 'KES',
            debitParty: [{ key: 'accountid', value: merchant }],
            creditParty: [{ key: 'accountid', value: wallet }],
          }),
        });
        return res.body.objectReference as string;
      };
      const failed = await disburse('100'); // the merchant's account is empty
      const asked = await requestToPay({
        amount: '400',
        currency: 'KES',
        debitParty: [{ key: 'accountid', value: wallet }],
        creditParty: [{ key: 'accountid', value: merchant }],
      });
      const paid = (await phone.daemon.payRequest(asked.body.serverCorrelationId as string)).transactionId;
      const paidOut = await disburse('100');
      const created = (await api(`${MM}/transactions/${paid}`)).body.creationDate as string;

      const list = async (query: Record<string, string>) => {
        const res = await api(`${MM}/accounts/accountid/${merchant}/transactions?${new URLSearchParams(query)}`);
        expect(res.status).toBe(200);
        return [
          (res.body as unknown as Json[]).map((t) => [t.transactionReference, t.transactionStatus]),
          res.headers.get('x-records-returned-count'),
          res.headers.get('x-records-available-count'),
        ];
      };
      const [F, P, D] = [
        [failed, 'failed'],
        [paid, 'completed'],
        [paidOut, 'completed'],
      ];
      expect(await list({})).toEqual([[D, P, F], '3', '3']);
      expect(await list({ limit: '2' })).toEqual([[D, P], '2', '3']);
      expect(await list({ transactionStatus: 'failed' })).toEqual([[F], '1', '1']);
      expect(await list({ transactionStatus: 'completed', limit: '1', offset: '1' })).toEqual([[P], '1', '2']);
      expect(await list({ transactionStatus: 'pending' })).toEqual([[], '0', '0']);
      expect(await list({ fromDateTime: created })).toEqual([[D, P], '2', '2']);
      expect(await list({ toDateTime: created })).toEqual([[P, F], '2', '2']);
      // the same instant at +03:00, and a one-instant window
      const east = new Date(Date.parse(created) + 3 * 3600_000).toISOString().replace('Z', '+03:00');
      expect(await list({ fromDateTime: east, toDateTime: created })).toEqual([[P], '1', '1']);
      expect(await list({ fromDateTime: east, transactionStatus: 'failed' })).toEqual([[], '0', '0']);

      const refused = async (query: Record<string, string>) => {
        const res = await api(`${MM}/accounts/accountid/${merchant}/transactions?${new URLSearchParams(query)}`);
        return [res.status, gsmaCode(res.body), res.body.errorParameters?.find((p) => p.key === 'field')?.value];
      };
      expect(await refused({ fromDateTime: 'yesterday' })).toEqual([400, 'INVALID_ARGUMENT', 'fromDateTime']);
      expect(await refused({ fromDateTime: '2026-12-03T09:30:00' })).toEqual([400, 'INVALID_ARGUMENT', 'fromDateTime']);
      expect(await refused({ toDateTime: '2026-13-03T09:30:00Z' })).toEqual([400, 'INVALID_ARGUMENT', 'toDateTime']);
      expect(await refused({ fromDateTime: created, toDateTime: '2020-01-01T00:00:00Z' })).toEqual([
        400,
        'INVALID_ARGUMENT',
        'toDateTime',
      ]);
      expect(await refused({ transactionStatus: 'done' })).toEqual([400, 'INVALID_ARGUMENT', 'transactionStatus']);
      expect(await refused({ transactionStatus: 'COMPLETED' })).toEqual([400, 'INVALID_ARGUMENT', 'transactionStatus']);
    },
    90_000,
  );

  it("looks up the display name a payer's wallet was opened with, and only that", async () => {
    const phone = await env.world.phone('secure');
    const wallet = env.world.newId('wallet');
    const e = await phone.daemon.enroll(wallet);
    await env.world.openWallet(wallet, e.deviceId, 5_000, 'KES', 'Amina Wanjiru');
    const res = await api(`${MM}/accounts/walletid/${wallet}/accountname`);
    expect([res.status, res.body]).toEqual([200, { name: { fullName: 'Amina Wanjiru' } }]);
    const { wallet: unnamed } = await fundedPhone(env.world, 'secure', 1_000);
    const none = await api(`${MM}/accounts/accountid/${unnamed}/accountname`);
    expect([none.status, gsmaCode(none.body)]).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
  }, 60_000);

  it('refuses bad input with GSMA errors carrying stable codes and fields, and writes nothing', async () => {
    const { wallet, merchant } = await fundedPhone(env.world, 'secure', 1_000);
    const good = {
      amount: '100',
      currency: 'KES',
      debitParty: [{ key: 'accountid', value: wallet }],
      creditParty: [{ key: 'accountid', value: merchant }],
    };
    const cases: [Promise<{ status: number; body: Json }>, number, string, string | undefined][] = [
      [requestToPay({ ...good, amount: 100 }), 400, 'INVALID_ARGUMENT', 'amount'],
      [requestToPay({ ...good, amount: '1.00' }), 400, 'AMOUNT_INVALID', 'amount'],
      [requestToPay({ ...good, metadata: [{ key: 'k' }] }), 400, 'INVALID_ARGUMENT', 'metadata.0.value'],
      [
        requestToPay({ ...good, debitParty: [{ key: 'iban', value: 'GB82WEST12345698765432' }] }),
        400,
        'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED',
        'debitParty.0.key',
      ],
      [requestToPay(good, 'not-a-uuid-0001'), 400, 'INVALID_ARGUMENT', 'X-CorrelationID'],
      [requestToPay(good, randomUUID(), { 'X-Date': 'soon' }), 400, 'INTEGRATOR_DATE_INVALID', 'X-Date'],
      [
        api(`${MM}/accounts/iban/GB82WEST12345698765432/balance`),
        400,
        'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED',
        'identifierType',
      ],
      [api(`${MM}/accounts/accountid/${wallet}/transactions`), 404, 'LEDGER_ACCOUNT_NOT_FOUND', undefined],
      [api(`${MM}/accounts/accountid/${merchant}/transactions?limit=500`), 400, 'INVALID_ARGUMENT', 'limit'],
      [api(`${MM}/transactions/${randomUUID()}`), 404, 'TRANSACTION_NOT_FOUND', undefined],
      [
        api(`${MM}/requeststates/${randomUUID()}`, { headers: { 'X-API-Key': 'nope' } }),
        401,
        'INTEGRATOR_UNAUTHENTICATED',
        undefined,
      ],
    ];
    for (const [call, status, code, field] of cases) {
      const res = await call;
      expect([res.status, gsmaCode(res.body), res.body.errorParameters?.find((p) => p.key === 'field')?.value]).toEqual(
        [status, code, field],
      );
      expect(typeof res.body.errorCategory).toBe('string');
    }
    expect((await api(`${MM}/accounts/accountid/${merchant}/transactions`)).body).toEqual([]);
  }, 60_000);

  it('heartbeat is public, echoes the correlation id and reads available while the stack is ready', async () => {
    const cid = randomUUID();
    const res = await api(`${MM}/heartbeat`, { headers: { 'X-API-Key': '', 'X-CorrelationID': cid } });
    expect([res.status, res.body, res.headers.get('x-correlationid')]).toEqual([
      200,
      { serviceStatus: 'available' },
      cid,
    ]);
  });

  // last: it stops the risk service of this suite's stack
  it('heartbeat reads degraded once the risk service stops: still ready, but payments would fail closed', async () => {
    await env.stack.services.find((s) => s.name === 'risk')!.stop();
    const res = await api(`${MM}/heartbeat`, { headers: { 'X-API-Key': '' } });
    expect([res.status, res.body]).toEqual([200, { serviceStatus: 'degraded' }]);
  });
});
