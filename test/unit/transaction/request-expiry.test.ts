import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { createPaymentRequest } from '../../../services/transaction/src/domain/requests.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, payloadOf } from './harness.js';

const shop = { id: 'shop', accounts: ['shop-*'] };

/** A payment answering a request to pay claims it only while the request has not expired. */
describe('paying a request to pay at and after its expiry', () => {
  it('due at its last millisecond it posts; one millisecond later it fails PAYMENT_REQUEST_EXPIRED', async () => {
    const h = await harness();
    const payer = await h.phone(5_000);
    const till = await h.merchant('KES', 'shop-till');
    const ask = async () => {
      const money = { minorUnits: 1_000, currency: 'KES' };
      const body = { correlationId: randomUUID(), payer: payer.accountId, payee: till, money, description: 'x' };
      const signed = await createPaymentRequest(shop, { ...body, extras: {} }, h.deps);
      return JSON.parse(signed).serverCorrelationId as string;
    };
    const pay = async (requestId: string) =>
      payloadOf(
        await submitPayment(
          await payer.sign(payer.payment(till, 1_000, { requestId })),
          payer.token,
          payer.peer,
          h.deps,
        ),
      );
    const start = h.clock.now;
    const [late, due] = [await ask(), await ask()];

    h.clock.now = start + h.deps.requestTtlMs + 1;
    const refused = await pay(late);
    expect([refused.status, refused.code]).toEqual(['FAILED', 'PAYMENT_REQUEST_EXPIRED']);
    expect(await h.store.getRequest(late)).toMatchObject({ state: 'PENDING', transactionId: null });
    expect((await h.balances()).get(payer.accountId)).toBe(5_000);

    h.clock.now = start + h.deps.requestTtlMs;
    const paid = await pay(due);
    expect([paid.status, paid.requestId]).toEqual(['POSTED', due]);
    expect([(await h.balances()).get(payer.accountId), (await h.balances()).get(till)]).toEqual([4_000, 1_000]);
  });
});

/** A cash-out's correlation record names the customer's wallet as payer; it is not a request to pay. */
describe('a withdrawal record is not a request the phone may pay', () => {
  it('is neither listed to the phone nor claimed by a payment naming it: PAYMENT_REQUEST_NOT_FOUND', async () => {
    const h = await harness();
    const payer = await h.phone(5_000);
    const agent = await h.merchant('KES', 'agent-till');
    const record = (id: string, type?: 'withdrawal') => ({
      id,
      integratorId: 'agent',
      correlationId: id,
      bodyHash: 'h',
      payer: payer.accountId,
      payee: agent,
      amount: 1_000,
      currency: 'KES',
      description: 'cash-out',
      ...(type ? { type } : {}),
      state: 'PENDING' as const,
      transactionId: null,
      response: '',
      createdAtMs: h.clock.now,
      expiresAtMs: h.clock.now + 60_000,
    });
    const [w1, r1] = [randomUUID(), randomUUID()];
    await h.store.insertRequest(record(w1, 'withdrawal'));
    await h.store.insertRequest(record(r1));
    expect((await h.store.listOpenRequests(payer.accountId)).map((r) => r.id)).toEqual([r1]);
    const pay = async (requestId: string) =>
      submitPayment(await payer.sign(payer.payment(agent, 1_000, { requestId })), payer.token, payer.peer, h.deps);
    expect(await codeOf(pay(w1))).toBe('PAYMENT_REQUEST_NOT_FOUND');
    expect(await h.store.getRequest(w1)).toMatchObject({ state: 'PENDING', transactionId: null });
    expect(payloadOf(await pay(r1)).status).toBe('POSTED');
    expect((await h.balances()).get(payer.accountId)).toBe(4_000);
  });
});
