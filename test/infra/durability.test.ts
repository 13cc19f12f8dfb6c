import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { dedupe, memorySeen } from '../support/dedupe.js';
import type { BusEvent } from '../../kit/src/events.js';
import { kafkaBus } from '../../kit/src/kafka-bus.js';
import { loadOrCreateSigningKey } from '../../kit/src/keys.js';
import { createLogger } from '../../kit/src/log.js';
import { loadConfig as transactionConfig } from '../../services/transaction/src/config.js';
import { verifyJournal } from '../../services/transaction/src/domain/journal.js';
import { treasuryOf } from '../../services/transaction/src/domain/accounts.js';
import { completeTransfer, LIVE_COMPLETION_MS } from '../../services/transaction/src/domain/payments.js';
import { startRelay } from '../../services/transaction/src/events/relay.js';
import { startTransaction } from '../../services/transaction/src/main.js';
import { mongoLedgerStore } from '../../services/transaction/src/store/mongo/index.js';
import type { OutboxEvent, Transfer } from '../../services/transaction/src/domain/model.js';
import type { LedgerStore } from '../../services/transaction/src/store/ports.js';
import { describeWithServer, infraRequired, uniqueName } from '../contract/support/infra.js';
import { fundedPhone, testStack } from '../support/stack.js';

const silent = createLogger('durability-test', 'silent');
const dbOf = (uri: string) => /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri)?.[1] || 'dfs';

/** A ledger store that dies right after the payer's debit: the crash between two posting steps. */
const crashAfterDebit = (store: LedgerStore): LedgerStore => ({
  ...store,
  credit: async () => {
    throw new Error('simulated crash after the debit');
  },
});

/** Collects the payment events a consumer group sees on this run's namespace. */
async function watchPayments(brokers: string[], namespace: string) {
  const bus = await kafkaBus({ brokers, clientId: 'durability-watch', namespace, log: silent });
  const events: BusEvent[] = [];
  await bus.subscribe('dfs.payment.v1', uniqueName('watch'), async (e) => {
    events.push(e);
  });
  return { events, close: () => bus.close() };
}

describeWithServer('MONGODB_URI', 'durability: the transaction service restarts over the real store', (uri) => {
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers && infraRequired)
    it('needs KAFKA_BROKERS too', () => {
      throw new Error('KAFKA_BROKERS is not set');
    });

  it('keeps every acknowledged payment posted exactly once and rolls a half-posted one forward', async () => {
    const env = { LOG_LEVEL: 'silent' };
    const { stack, world, close } = await testStack(env);
    const store = await mongoLedgerStore({ uri, dbName: dbOf(process.env.MONGODB_URI!) });
    let restarted: Awaited<ReturnType<typeof startTransaction>> | undefined;
    const watch =
      brokers && process.env.KAFKA_NAMESPACE ? await watchPayments(brokers, process.env.KAFKA_NAMESPACE) : null;
    try {
      const { phone, wallet, merchant } = await fundedPhone(world, 'secure', 100_000);
      const acknowledged: string[] = [];
      for (const minorUnits of ['100', '200', '300', '400', '500']) {
        const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits, currency: 'KES' } });
        if (result.status === 'POSTED') acknowledged.push(result.transactionId);
      }
      expect(acknowledged.length).toBeGreaterThan(0);

      const resultKey = await loadOrCreateSigningKey(stack.stateDir, 'transaction-result');
      const halfPosted: Transfer = {
        id: randomUUID(),
        payer: wallet,
        payee: merchant,
        amount: 7_000,
        currency: 'KES',
        idempotencyKey: `crash-${randomUUID()}`,
        requestHash: 'h',
        deviceId: 'crash-test',
        kind: 'payment',
        state: 'PENDING',
        risk: { decision: 'APPROVE', ruleIds: [], reason: 'approved before the crash' },
        code: null,
        result: null,
        // Crashed longer ago than the live bound: a younger one may be another replica's payment in flight,
        // which start-up recovery leaves to its creator (the sweep's catch-up pass takes it once the bound has passed).
        createdAtMs: Date.now() - LIVE_COMPLETION_MS - 1,
      };
      expect((await store.insertTransfer(halfPosted)).created).toBe(true);
      const merchantBefore = (await store.getAccount(merchant))!.balance;
      const payerBefore = (await store.getAccount(wallet))!.balance;
      await expect(
        completeTransfer(halfPosted, {
          store: crashAfterDebit(store),
          resultKey: () => resultKey,
          now: () => halfPosted.createdAtMs,
        }),
      ).rejects.toThrow('simulated crash');
      expect((await store.getTransfer(halfPosted.id))?.state).toBe('PENDING');
      expect((await store.getAccount(wallet))!.balance).toBe(payerBefore - 7_000);
      expect((await store.getAccount(merchant))!.balance).toBe(merchantBefore);

      await stack.services.find((s) => s.name === 'transaction')!.stop();
      restarted = await startTransaction(
        transactionConfig({
          ...process.env,
          ...env,
          DFS_STATE_DIR: stack.stateDir,
          TRANSACTION_GRPC_PORT: '0',
          TRANSACTION_HTTP_PORT: '0',
          ATTESTATION_ADDR: stack.attestationAddr,
          RISK_ADDR: stack.riskAddr,
        }),
        stack.bus,
      );

      expect(await store.listPending()).toEqual([]);
      expect(await store.getTransfer(halfPosted.id)).toMatchObject({ state: 'POSTED', code: null });
      expect((await store.getAccount(merchant))!.balance).toBe(merchantBefore + 7_000);
      expect((await store.getAccount(wallet))!.balance).toBe(payerBefore - 7_000);
      const journal = await store.readJournal();
      for (const id of [...acknowledged, halfPosted.id]) {
        expect((await store.getTransfer(id))?.state).toBe('POSTED');
        expect(journal.filter((e) => e.transferId === id)).toHaveLength(1);
      }
      expect(verifyJournal(journal)).toBeNull();
      const accounts = (await store.listAccounts()).filter((a) => a.currency === 'KES');
      const genesis = journal.find((e) => e.transferId === 'genesis-KES')!;
      expect(accounts.reduce((sum, a) => sum + a.balance, 0)).toBe(genesis.amount);
      expect(accounts.every((a) => a.applied.length === 0)).toBe(true);
      expect(accounts.some((a) => a.id === treasuryOf('KES'))).toBe(true);
      const operatorToken = readFileSync(join(stack.stateDir, 'keys', 'transaction-operator.token'), 'utf8').trim();
      const verify = await fetch(`https://127.0.0.1:${restarted.httpPort}/v1/journal/verify`, {
        headers: { Authorization: `Bearer ${operatorToken}` },
      });
      expect(await verify.json()).toMatchObject({ ok: true });

      if (watch) {
        const posted = (id: string) =>
          watch.events.some((e) => e.type === 'payment.posted' && e.data.transactionId === id);
        await expect.poll(() => [...acknowledged, halfPosted.id].every(posted), { timeout: 30_000 }).toBe(true);
        await expect.poll(() => store.pendingOutbox(10), { timeout: 10_000 }).toEqual([]);
      }
    } finally {
      await watch?.close();
      await restarted?.stop();
      await store.close();
      await close();
    }
  });
});

describeWithServer('KAFKA_BROKERS', 'durability: Kafka restarts mid-stream', (brokersVar) => {
  const brokers = brokersVar.split(',');

  it('delivers every outbox event at least once and applies it once', async () => {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is needed: the outbox lives in the real store');
    const namespace = uniqueName('restart');
    const store = await mongoLedgerStore({ uri, dbName: dbOf(uri) });
    const producer = await kafkaBus({ brokers, clientId: 'durability-producer', namespace, log: silent });
    const consumer = await kafkaBus({ brokers, clientId: 'durability-consumer', namespace, log: silent });
    const relay = startRelay(store, producer, silent, 50);
    const delivered = new Map<string, number>();
    const applied = new Map<string, number>();
    const count = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);
    const apply = dedupe(async (e) => {
      count(applied, e.id);
    }, memorySeen());
    await consumer.subscribe('dfs.payment.v1', 'checker', async (e) => {
      count(delivered, e.id);
      await apply(e);
    });
    const make = (i: number): OutboxEvent => ({
      id: randomUUID(),
      topic: 'dfs.payment.v1',
      type: 'payment.posted',
      key: `payer-${i % 7}`,
      atMs: Date.now(),
      data: { i },
    });
    const all: OutboxEvent[] = [];
    let restart: Promise<unknown> | undefined;
    const brokerPid = () =>
      readFileSync(join(process.env.DFS_INFRA_CACHE ?? '.cache/infra', 'run', 'kafka.pid'), 'utf8').trim();
    const pidBefore = brokerPid();
    try {
      for (let batch = 0; batch < 30; batch++) {
        const events = Array.from({ length: 10 }, (_, j) => make(batch * 10 + j));
        all.push(...events);
        await store.addOutbox(events);
        if (batch === 10)
          restart = promisify(execFile)('bash', ['scripts/infra.sh', 'restart-kafka'], { timeout: 150_000 });
        if (batch === 20) await store.addOutbox(all.slice(0, 10));
        await new Promise((r) => setTimeout(r, 200));
      }
      await restart;
      expect(brokerPid()).not.toBe(pidBefore);
      await expect.poll(() => applied.size, { timeout: 120_000, interval: 500 }).toBe(all.length);
      await expect.poll(() => store.pendingOutbox(10), { timeout: 30_000 }).toEqual([]);
      expect(all.every((e) => (delivered.get(e.id) ?? 0) >= 1 && applied.get(e.id) === 1)).toBe(true);
      expect(all.slice(0, 10).every((e) => delivered.get(e.id)! >= 2)).toBe(true);
    } finally {
      await restart?.catch(() => undefined);
      await relay.stop();
      await Promise.all([producer.close(), consumer.close()]);
      await store.close();
    }
  });
});
