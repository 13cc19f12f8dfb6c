import { describe, expect, it } from 'vitest';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, type Loose } from './harness.js';

const long = (n: number) => 'a'.repeat(n);

/** Every field of the signed payment with values of the wrong type, range, size or encoding. */
const CASES: [string, (p: Loose) => unknown, string][] = [
  ['idempotencyKey too short', (p) => ({ ...p, idempotencyKey: 'short' }), 'INVALID_ARGUMENT'],
  ['idempotencyKey too long', (p) => ({ ...p, idempotencyKey: long(65) }), 'INVALID_ARGUMENT'],
  ['idempotencyKey with a space', (p) => ({ ...p, idempotencyKey: 'has space 123' }), 'INVALID_ARGUMENT'],
  ['idempotencyKey a number', (p) => ({ ...p, idempotencyKey: 12345678 }), 'INVALID_ARGUMENT'],
  [
    'idempotencyKey with a # (reserved for returns)',
    (p) => ({ ...p, idempotencyKey: '#reversal:0001' }),
    'INVALID_ARGUMENT',
  ],
  ['payer missing', (p) => ({ ...p, payer: undefined }), 'INVALID_ARGUMENT'],
  ['payee too long', (p) => ({ ...p, payee: long(65) }), 'INVALID_ARGUMENT'],
  ['payee with a slash', (p) => ({ ...p, payee: 'merchant/../x' }), 'INVALID_ARGUMENT'],
  ['payee with non-ASCII', (p) => ({ ...p, payee: 'merchant-é' }), 'INVALID_ARGUMENT'],
  ['payee an object', (p) => ({ ...p, payee: { id: 'x' } }), 'INVALID_ARGUMENT'],
  ['amount a float string', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '12.5' } }), 'AMOUNT_INVALID'],
  ['amount negative', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '-5' } }), 'AMOUNT_INVALID'],
  ['amount zero', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '0' } }), 'AMOUNT_INVALID'],
  ['amount above the maximum', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '10000001' } }), 'AMOUNT_INVALID'],
  ['amount in exponent form', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '1e3' } }), 'AMOUNT_INVALID'],
  ['amount with leading zeros', (p) => ({ ...p, amount: { ...p.amount, minorUnits: '0100' } }), 'AMOUNT_INVALID'],
  ['amount a JSON number', (p) => ({ ...p, amount: { ...p.amount, minorUnits: 100 } }), 'INVALID_ARGUMENT'],
  ['amount with an extra field', (p) => ({ ...p, amount: { ...p.amount, scale: 2 } }), 'INVALID_ARGUMENT'],
  ['currency unknown', (p) => ({ ...p, amount: { ...p.amount, currency: 'XXX' } }), 'CURRENCY_INVALID'],
  ['currency lower case', (p) => ({ ...p, amount: { ...p.amount, currency: 'kes' } }), 'CURRENCY_INVALID'],
  [
    'currency of another account',
    (p) => ({ ...p, amount: { ...p.amount, currency: 'UGX' } }),
    'LEDGER_CURRENCY_MISMATCH',
  ],
  ['iat a string', (p) => ({ ...p, iat: String(p.iat) }), 'INVALID_ARGUMENT'],
  ['iat a float', (p) => ({ ...p, iat: p.iat + 0.5 }), 'INVALID_ARGUMENT'],
  ['iat negative', (p) => ({ ...p, iat: -1 }), 'INVALID_ARGUMENT'],
  ['ath too short', (p) => ({ ...p, ath: 'abc' }), 'INVALID_ARGUMENT'],
  ['ath of another token', (p) => ({ ...p, ath: 'A'.repeat(43) }), 'PAYMENT_TOKEN_MISMATCH'],
  ['requestId not a uuid', (p) => ({ ...p, requestId: 'req-1' }), 'INVALID_ARGUMENT'],
  [
    'requestId unknown',
    (p) => ({ ...p, requestId: '00000000-0000-4000-8000-000000000000' }),
    'PAYMENT_REQUEST_NOT_FOUND',
  ],
  ['an unknown field', (p) => ({ ...p, note: 'hi' }), 'INVALID_ARGUMENT'],
  ['payer not the device wallet', (p) => ({ ...p, payer: 'wallet-someone-else' }), 'PAYMENT_PAYER_NOT_OWNED'],
  ['payer equal to payee', (p) => ({ ...p, payee: p.payer }), 'INVALID_ARGUMENT'],
  ['payee unknown', (p) => ({ ...p, payee: 'merchant-unknown' }), 'LEDGER_ACCOUNT_NOT_FOUND'],
  ['a JSON array', () => [], 'INVALID_ARGUMENT'],
  ['not JSON', () => 'not json', 'PAYMENT_SIGNATURE_INVALID'],
];

describe('bad input in the signed payment: a code and no partial state', () => {
  it.each(CASES)('%s -> %s', async (_name, mutate, code) => {
    const h = await harness();
    const p = await h.phone(10_000);
    const m = await h.merchant();
    await h.merchant('UGX', 'merchant-ugx');
    const signed = await p.signRaw(mutate(p.payment(m, 100)) as object);
    h.writes.length = 0;
    expect(await codeOf(submitPayment(signed, p.token, p.peer, h.deps))).toBe(code);
    expect(h.writes).toEqual([]);
  });

  it(
    'refuses bad encodings of the JWS and token: invalid UTF-8 ' +
      'payload, oversize, garbage, alg none, private key in header',
    async () => {
      const h = await harness();
      const p = await h.phone(10_000);
      const m = await h.merchant();
      h.writes.length = 0;
      const [head] = (await p.sign(p.payment(m, 1))).split('.') as [string];
      const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const cases: [string, string, string][] = [
        [`${head}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.AAAA`, p.token, 'PAYMENT_SIGNATURE_INVALID'],
        ['a'.repeat(9000), p.token, 'INVALID_ARGUMENT'],
        ['not-a-jws', p.token, 'PAYMENT_SIGNATURE_INVALID'],
        ['', p.token, 'PAYMENT_SIGNATURE_INVALID'],
        [await p.sign(p.payment(m, 1)), '', 'TOKEN_INVALID'],
        [await p.sign(p.payment(m, 1)), 'x'.repeat(9000), 'INVALID_ARGUMENT'],
        [`${b64url({ alg: 'none', jwk: p.jwk })}.${b64url(p.payment(m, 1))}.`, p.token, 'PAYMENT_SIGNATURE_INVALID'],
        [await p.signRaw(p.payment(m, 1), { jwk: { ...p.jwk, d: 'AAAA' } }), p.token, 'PAYMENT_SIGNATURE_INVALID'],
      ];
      for (const [jws, token, code] of cases)
        expect(await codeOf(submitPayment(jws, token, p.peer, h.deps))).toBe(code);
      expect(h.writes).toEqual([]);
    },
  );
});
