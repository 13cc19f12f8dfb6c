import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../kit/src/grpc-client.js';
import { verifyLedger } from '../../services/transaction/src/domain/journal.js';
import {
  eseSign,
  paymentPayload,
  transactionStack,
  walletPhone,
  type Loose,
  type TransactionStack,
} from '../fixtures/transaction-stack.js';

const decode = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Loose;

describe('1,000 concurrent payments from 50 real phones over gRPC/mTLS', () => {
  let env: TransactionStack;
  beforeAll(async () => {
    env = await transactionStack();
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it(
    'never goes negative, keeps the sum of balances, journals ' + 'each accepted payment once, and codes every refusal',
    async () => {
      env.risk.answer = async (t) =>
        t.amount % 89 === 0
          ? { decision: 'DECLINE', ruleIds: ['e2e.decline'], reason: 'test' }
          : { decision: 'APPROVE', ruleIds: [], reason: 'test' };
      const merchants = Array.from({ length: 4 }, () => env.world.newId('merchant'));
      for (const m of merchants) await env.world.openMerchant(m, 'KES');
      const phones = [];
      for (let i = 0; i < 50; i++) phones.push(await walletPhone(env, 6_000));
      const sum = async () => (await env.store.listAccounts()).reduce((s, a) => s + a.balance, 0);
      const before = await sum();

      const signed: { channel: (typeof phones)[number]['enrollment']['channel']; token: string; jws: string }[] = [];
      for (const [i, p] of phones.entries()) {
        for (let j = 0; j < 20; j++) {
          const payee = j % 5 === 0 ? phones[(i + 1) % phones.length]!.wallet : merchants[j % merchants.length]!;
          signed.push({
            channel: p.enrollment.channel,
            token: p.enrollment.token,
            jws: await eseSign(
              p.phone,
              p.enrollment,
              paymentPayload(p.enrollment, payee, 200 + (((i * 20 + j) * 53) % 800)),
            ),
          });
        }
      }
      const outcomes = await Promise.all(
        signed.map(async (s) => {
          try {
            return decode(
              (await s.channel.submitPayment({ signedPayment: s.jws, attestationToken: s.token })).signedResult,
            );
          } catch (err) {
            return { status: 'REFUSED', code: errorCodeOf(err) };
          }
        }),
      );

      const accounts = await env.store.listAccounts();
      expect(accounts.every((a) => a.balance >= 0)).toBe(true);
      expect(await sum()).toBe(before);
      const journal = await env.store.readJournal();
      const posted = outcomes.filter((o) => o.status === 'POSTED');
      const refused = outcomes.filter((o) => o.status !== 'POSTED');
      expect(outcomes).toHaveLength(1000);
      expect(posted.length).toBeGreaterThan(200);
      expect(refused.filter((o) => o.code === 'LEDGER_INSUFFICIENT_FUNDS').length).toBeGreaterThan(50);
      for (const o of posted) expect(journal.filter((e) => e.transferId === o.transactionId)).toHaveLength(1);
      for (const o of refused) expect(o.code).toMatch(/^(LEDGER_INSUFFICIENT_FUNDS|RISK_DECLINED)$/);
      expect(await verifyLedger(journal, (id) => env.store.getTransfer(id))).toBeNull();
      expect((await env.operator('/v1/journal/verify')).status).toBe(200);
    },
    120_000,
  );
});
