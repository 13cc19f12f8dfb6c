import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gsmaCode } from '../../support/openapi-conformance.js';
import type { Loose } from './harness.js';
import { httpHarness } from './http-harness.js';

type Env = Awaited<ReturnType<typeof httpHarness>>;

describe('bad input on every REST field: 4xx with a code, nothing written', () => {
  let env: Env;
  let payer: string;
  const good = () => ({
    amount: '2500',
    currency: 'KES',
    debitParty: [{ key: 'accountid', value: payer }],
    creditParty: [{ key: 'accountid', value: 'shop-a-till' }],
    descriptionText: 'order',
  });
  beforeAll(async () => {
    env = await httpHarness();
    payer = (await env.h.phone(100_000)).accountId;
    await env.h.merchant('KES', 'shop-a-till');
    await env.h.merchant('UGX', 'shop-a-ugx');
  });
  afterAll(async () => {
    await env?.close();
  });

  const bodies: [string, (b: Loose) => unknown, number, string][] = [
    ['amount a float', (b) => ({ ...b, amount: '12.50' }), 400, 'AMOUNT_INVALID'],
    ['amount a JSON float', (b) => ({ ...b, amount: 12.5 }), 400, 'INVALID_ARGUMENT'],
    ['amount a JSON integer', (b) => ({ ...b, amount: 1250 }), 400, 'INVALID_ARGUMENT'],
    ['amount in GSMA major units', (b) => ({ ...b, amount: '25.00' }), 400, 'AMOUNT_INVALID'],
    ['amount negative', (b) => ({ ...b, amount: '-1' }), 400, 'AMOUNT_INVALID'],
    ['amount zero', (b) => ({ ...b, amount: '0' }), 400, 'AMOUNT_INVALID'],
    ['amount above the maximum', (b) => ({ ...b, amount: '10000001' }), 400, 'AMOUNT_INVALID'],
    ['amount beyond 2^53', (b) => ({ ...b, amount: '99999999999999999999' }), 400, 'AMOUNT_INVALID'],
    ['amount missing', (b) => ({ ...b, amount: undefined }), 400, 'INVALID_ARGUMENT'],
    ['amount an object', (b) => ({ ...b, amount: { minorUnits: '1' } }), 400, 'INVALID_ARGUMENT'],
    ['currency unknown', (b) => ({ ...b, currency: 'XXX' }), 400, 'CURRENCY_INVALID'],
    ['currency lower case', (b) => ({ ...b, currency: 'kes' }), 400, 'CURRENCY_INVALID'],
    ['currency a number', (b) => ({ ...b, currency: 404 }), 400, 'INVALID_ARGUMENT'],
    ['currency of another account', (b) => ({ ...b, currency: 'UGX' }), 422, 'LEDGER_CURRENCY_MISMATCH'],
    ['debitParty missing', (b) => ({ ...b, debitParty: undefined }), 400, 'INVALID_ARGUMENT'],
    ['debitParty empty', (b) => ({ ...b, debitParty: [] }), 400, 'INVALID_ARGUMENT'],
    [
      'debitParty two entries',
      (b) => ({ ...b, debitParty: [...b.debitParty, ...b.debitParty] }),
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'debitParty another key type',
      (b) => ({ ...b, debitParty: [{ key: 'msisdn', value: '+254700000000' }] }),
      400,
      'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED',
    ],
    [
      'debitParty value too long',
      (b) => ({ ...b, debitParty: [{ key: 'accountid', value: 'w'.repeat(65) }] }),
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'debitParty value with a newline',
      (b) => ({ ...b, debitParty: [{ key: 'accountid', value: 'wallet\n1' }] }),
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'debitParty unknown',
      (b) => ({ ...b, debitParty: [{ key: 'accountid', value: 'wallet-nobody' }] }),
      404,
      'LEDGER_ACCOUNT_NOT_FOUND',
    ],
    [
      'debitParty a merchant (no phone to confirm)',
      (b) => ({ ...b, debitParty: [{ key: 'accountid', value: 'shop-a-ugx' }] }),
      404,
      'LEDGER_ACCOUNT_NOT_FOUND',
    ],
    ['creditParty a string', (b) => ({ ...b, creditParty: 'shop-a-till' }), 400, 'INVALID_ARGUMENT'],
    ['creditParty equal to debitParty', (b) => ({ ...b, creditParty: b.debitParty }), 403, 'CALLER_NOT_ALLOWED'],
    [
      'creditParty with an extra field',
      (b) => ({ ...b, creditParty: [{ key: 'accountid', value: 'shop-a-till', name: 'x' }] }),
      400,
      'INVALID_ARGUMENT',
    ],
    ['descriptionText too long', (b) => ({ ...b, descriptionText: 'd'.repeat(161) }), 400, 'INVALID_ARGUMENT'],
    [
      'descriptionText with control characters',
      (b) => ({ ...b, descriptionText: 'a\u0000b' }),
      400,
      'INVALID_ARGUMENT',
    ],
    ['descriptionText a number', (b) => ({ ...b, descriptionText: 5 }), 400, 'INVALID_ARGUMENT'],
    ['an unknown field', (b) => ({ ...b, callbackUrl: 'http://evil.example/' }), 400, 'INVALID_ARGUMENT'],
    ['subType too long', (b) => ({ ...b, subType: 's'.repeat(257) }), 400, 'INVALID_ARGUMENT'],
    [
      'requestingOrganisationTransactionReference a number',
      (b) => ({ ...b, requestingOrganisationTransactionReference: 7 }),
      400,
      'INVALID_ARGUMENT',
    ],
    ['requestDate not a date-time', (b) => ({ ...b, requestDate: 'today' }), 400, 'INVALID_ARGUMENT'],
    [
      'metadata over 20 pairs',
      (b) => ({ ...b, metadata: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }),
      400,
      'INVALID_ARGUMENT',
    ],
    ['metadata an empty key', (b) => ({ ...b, metadata: [{ key: '', value: 'v' }] }), 400, 'INVALID_ARGUMENT'],
    ['metadata an object', (b) => ({ ...b, metadata: { key: 'k', value: 'v' } }), 400, 'INVALID_ARGUMENT'],
    ['a JSON array', () => [], 400, 'INVALID_ARGUMENT'],
    ['JSON null', () => null, 400, 'INVALID_ARGUMENT'],
  ];

  it.each(bodies)('body: %s', async (_n, mutate, status, code) => {
    env.h.writes.length = 0;
    const res = await env.call('/v1.2/mm/transactions/type/merchantpay', {
      method: 'POST',
      json: mutate(good()),
      correlationId: randomUUID(),
    });
    expect([res.status, gsmaCode(await res.json())]).toEqual([status, code]);
    expect(env.h.writes).toEqual([]);
  });

  const raw: [string, RequestInit & { correlationId?: string }, number][] = [
    ['malformed JSON', { body: '{"amount":', headers: { 'Content-Type': 'application/json' } }, 400],
    [
      'a body over 16 KiB',
      { body: JSON.stringify({ pad: 'x'.repeat(20_000) }), headers: { 'Content-Type': 'application/json' } },
      413,
    ],
    [
      'an unknown Content-Encoding',
      { body: '{"amount":"1"}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown' } },
      415,
    ],
    [
      'a gzip Content-Encoding on a plain body',
      { body: '{"amount":"1"}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } },
      400,
    ],
    [
      'invalid UTF-8',
      {
        body: Buffer.concat([
          Buffer.from('{"amount":"1","currency":"KE'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}'),
        ]),
        headers: { 'Content-Type': 'application/json' },
      },
      400,
    ],
    [
      'form encoding instead of JSON',
      { body: 'amount=1&currency=KES', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      400,
    ],
    ['text/plain (a cross-site form post)', { body: '{"amount":"1"}', headers: { 'Content-Type': 'text/plain' } }, 400],
  ];

  it.each(raw)('raw body: %s -> 4xx with a code', async (_n, init, status) => {
    env.h.writes.length = 0;
    const res = await env.call('/v1.2/mm/transactions/type/merchantpay', {
      method: 'POST',
      ...init,
      correlationId: randomUUID(),
    });
    expect(res.status).toBe(status);
    expect(gsmaCode(await res.json())).toMatch(/^[A-Z_]+$/);
    expect(env.h.writes).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['too short', 'abc'],
    ['not a UUID', 'order-000000000001'],
    ['a UUID with a suffix', `${randomUUID()}x`],
    ['with spaces', 'has space here'],
    ['with a #', '#corr-0001'],
  ])('X-CorrelationID %s -> 400 INVALID_ARGUMENT naming it', async (_n, cid) => {
    env.h.writes.length = 0;
    const res = await env.call('/v1.2/mm/transactions/type/merchantpay', {
      method: 'POST',
      json: good(),
      ...(cid ? { correlationId: cid } : {}),
    });
    const err = await res.json();
    expect([res.status, err.errorParameters]).toEqual([
      400,
      [
        { key: 'code', value: 'INVALID_ARGUMENT' },
        { key: 'field', value: 'X-CorrelationID' },
      ],
    ]);
    expect(env.h.writes).toEqual([]);
  });

  it.each([
    ['/v1.2/mm/transactions/not-a-uuid', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/transactions/%FF%FE', 400, 'INVALID_ARGUMENT'],
    [`/v1.2/mm/transactions/${'a'.repeat(300)}`, 400, 'INVALID_ARGUMENT'],
    [`/v1.2/mm/transactions/${randomUUID()}`, 404, 'TRANSACTION_NOT_FOUND'],
    ['/v1.2/mm/accounts/accountid/bad%20id/balance', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/%E0%A4%A/balance', 400, 'INVALID_ARGUMENT'],
    [`/v1.2/mm/accounts/accountid/${'a'.repeat(65)}/balance`, 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/shop-a-nothing/balance', 404, 'LEDGER_ACCOUNT_NOT_FOUND'],
    ['/v1.2/mm/accounts/msisdn/+254700000000/balance', 400, 'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED'],
    ['/v1.2/mm/accounts/iban/GB00/transactions', 400, 'INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED'],
    ['/v1.2/mm/accounts/accountid/shop-a-till/transactions?limit=0', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/shop-a-till/transactions?limit=51', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/shop-a-till/transactions?limit=1.5', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/shop-a-till/transactions?offset=-1', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/accounts/accountid/shop-a-till/transactions?offset=a&offset=b', 400, 'INVALID_ARGUMENT'],
    ['/v1.2/mm/requeststates/..%2F..%2Fetc', 400, 'INVALID_ARGUMENT'],
    [`/v1.2/mm/requeststates/${randomUUID()}`, 404, 'PAYMENT_REQUEST_NOT_FOUND'],
    ['/v1.2/mm/responses/order-1', 400, 'INVALID_ARGUMENT'],
    [`/v1.2/mm/responses/${randomUUID()}`, 404, 'PAYMENT_REQUEST_NOT_FOUND'],
  ])('path %s -> %i %s', async (path, status, code) => {
    env.h.writes.length = 0;
    const res = await env.call(path);
    expect([res.status, gsmaCode(await res.json())]).toEqual([status, code]);
    expect(env.h.writes).toEqual([]);
  });

  it('names the offending field of a refused body in errorParameters', async () => {
    const res = await env.call('/v1.2/mm/transactions/type/merchantpay', {
      method: 'POST',
      json: { ...good(), amount: 2500, extra: 1 },
      correlationId: randomUUID(),
    });
    const err = await res.json();
    expect([err.errorCategory, err.errorCode, err.errorParameters]).toEqual([
      'validation',
      'formatError',
      [
        { key: 'code', value: 'INVALID_ARGUMENT' },
        { key: 'field', value: 'amount,extra' },
      ],
    ]);
  });
});
