import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { creditCustomer, integratorReversal } from '../../../services/transaction/src/domain/credits.js';
import { openAccount } from '../../../services/transaction/src/domain/accounts.js';
import type { Integrator } from '../../../services/transaction/src/domain/integrators.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';
import { mongoLedgerStore } from '../../../services/transaction/src/store/mongo/index.js';
import type { LedgerStore } from '../../../services/transaction/src/store/ports.js';
import { codeOf } from '../../support/expect-code.js';
import { describeWithServer, dropDatabases, uniqueName } from '../../contract/support/infra.js';
import { harness, payloadOf } from './harness.js';

const SHOP_A: Integrator = { id: 'shop-a', accounts: ['shop-a-*'] };
const SHOP_B: Integrator = { id: 'shop-b', accounts: ['shop-b-*'] };
const kes = (minorUnits: number) => ({ minorUnits, currency: 'KES' });

function describeCredits(name: string, newStore: () => Promise<LedgerStore>) {
  describe(`integrator credits and reversals (GSMA disbursement, deposit, reversal) on ${name}`, () => {
    async function setup(float = 100) {
      const h = await harness({ store: await newStore() });
      const payroll = `shop-a-payroll-${randomUUID().slice(0, 6)}`;
      await openAccount({ accountId: payroll, holderDeviceId: null, opening: kes(float), currency: 'KES' }, h.deps);
      const wallet = await h.phone(0);
      const credit = (
        amount: number,
        correlationId = randomUUID(),
        kind: 'disbursement' | 'deposit' = 'disbursement',
      ) =>
        creditCustomer(
          SHOP_A,
          { kind, correlationId, payer: payroll, payee: wallet.accountId, money: kes(amount), description: 'salary' },
          h.deps,
        );
      return { h, payroll, wallet, credit };
    }

    it('moves money from the integrator account into the wallet once per correlation id', async () => {
      const { h, payroll, wallet, credit } = await setup();
      const total = [...(await h.balances()).values()].reduce((a, b) => a + b, 0);
      const id = randomUUID();
      const t = await credit(40, id);
      expect([t.state, t.kind, t.payer, t.payee, t.risk?.ruleIds]).toEqual([
        'POSTED',
        'disbursement',
        payroll,
        wallet.accountId,
        ['integrator.credit'],
      ]);
      expect((await credit(40, id)).id).toBe(t.id);
      expect(await codeOf(credit(41, id))).toBe('IDEMPOTENCY_KEY_REUSED');
      const after = await h.balances();
      expect([after.get(payroll), after.get(wallet.accountId)]).toEqual([60, 40]);
      expect([...after.values()].reduce((a, b) => a + b, 0)).toBe(total);
      const deposit = await credit(10, randomUUID(), 'deposit');
      expect([deposit.state, deposit.kind]).toEqual(['POSTED', 'deposit']);
    });

    it('never overdraws the integrator account under a concurrent burst, and twins post once', async () => {
      const { h, payroll, wallet, credit } = await setup(100);
      const burst = await Promise.all(Array.from({ length: 20 }, () => credit(10)));
      expect(burst.filter((t) => t.state === 'POSTED')).toHaveLength(10);
      expect(burst.filter((t) => t.code === 'LEDGER_INSUFFICIENT_FUNDS')).toHaveLength(10);
      const twinsId = randomUUID();
      const twins = await Promise.all(Array.from({ length: 8 }, () => credit(1, twinsId)));
      expect(new Set(twins.map((t) => t.id)).size).toBe(1);
      const after = await h.balances();
      expect([after.get(payroll), after.get(wallet.accountId)]).toEqual([0, 100]);
    });

    it('refuses an account the integrator does not hold, a non-wallet payee and another currency', async () => {
      const { h, payroll, wallet } = await setup();
      const other = await h.merchant('KES', 'shop-a-till');
      const ugx = await h.phone(0, 'UGX');
      const ask = (integrator: Integrator, payer: string, payee: string) =>
        creditCustomer(
          integrator,
          { kind: 'disbursement', correlationId: randomUUID(), payer, payee, money: kes(5), description: '' },
          h.deps,
        );
      expect(await codeOf(ask(SHOP_B, payroll, wallet.accountId))).toBe('CALLER_NOT_ALLOWED');
      expect(await codeOf(ask(SHOP_A, payroll, other))).toBe('LEDGER_ACCOUNT_NOT_FOUND');
      expect(await codeOf(ask(SHOP_A, payroll, ugx.accountId))).toBe('LEDGER_CURRENCY_MISMATCH');
    });

    it('reverses a payment into the integrator account once, and only for that integrator', async () => {
      const { h } = await setup();
      const till = await h.merchant('KES', `shop-a-till-${randomUUID().slice(0, 6)}`);
      const payer = await h.phone(500);
      const paid = payloadOf(
        await submitPayment(await payer.sign(payer.payment(till, 200)), payer.token, payer.peer, h.deps),
      );
      expect(paid.status).toBe('POSTED');
      const ids = [paid.transactionId as string];
      expect(await codeOf(integratorReversal(SHOP_B, ids[0]!, h.deps))).toBe('TRANSACTION_NOT_FOUND');
      const reversals = await Promise.all(Array.from({ length: 6 }, () => integratorReversal(SHOP_A, ids[0]!, h.deps)));
      expect(new Set(reversals.map((r) => r.id)).size).toBe(1);
      expect([reversals[0]!.state, reversals[0]!.kind, reversals[0]!.originalId]).toEqual([
        'POSTED',
        'reversal',
        ids[0],
      ]);
      const after = await h.balances();
      expect([after.get(payer.accountId), after.get(till)]).toEqual([500, 0]);
    });
  });
}

describeCredits('memory', async () => memoryLedgerStore());

describeWithServer('MONGODB_URI', 'mongo', (uri) => {
  const dbs: string[] = [];
  afterAll(() => dropDatabases(uri, dbs));
  describeCredits('mongo', async () => {
    const dbName = uniqueName('credits');
    dbs.push(dbName);
    return mongoLedgerStore({ uri, dbName });
  });
});
