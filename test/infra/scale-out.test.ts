import { expect, it } from 'vitest';
import { call } from '../../kit/src/grpc-client.js';
import { kafkaBus } from '../../kit/src/kafka-bus.js';
import { createLogger } from '../../kit/src/log.js';
import { connectWorld } from '../../cli/world.js';
import { kes, payer } from '../../cli/threats/scenarios/setup.js';
import { readLedger } from '../../cli/load/ledger-view.js';
import { loadConfig as transactionConfig } from '../../services/transaction/src/config.js';
import { verifyJournal } from '../../services/transaction/src/domain/journal.js';
import { startTransaction } from '../../services/transaction/src/main.js';
import { mongoLedgerStore } from '../../services/transaction/src/store/mongo/index.js';
import { describeWithServer, infraRequired } from '../contract/support/infra.js';
import { testStack } from '../support/stack.js';

const PAYERS_PER_REPLICA = 3;
const PAYMENTS_PER_PAYER = 8;
/** Every payment here must post: a late risk answer on a busy machine is not what this test is about. */
const RISK_DEADLINE = '5000';

/**
 * Stateless services behind the real store and bus: a second transaction service, as a
 * second machine would run it (its own ports, its own Kafka client, the shared result key from the
 * state directory or a Secret), serves phones alongside the first, on one ledger. The phones of both
 * replicas pay one shared merchant at the same time, so both replicas credit one account
 * concurrently: the store's atomic conditional updates, not any in-process guard, keep it right.
 */
describeWithServer('MONGODB_URI', 'scale-out: two transaction replicas share one ledger and one bus', (uri) => {
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers && infraRequired)
    it('needs KAFKA_BROKERS too', () => {
      throw new Error('KAFKA_BROKERS is not set');
    });

  it(
    'posts every payment once across both replicas; either ' +
      'replica answers for any payment; the journal stays one chain',
    async () => {
      const { stack, world, close } = await testStack({ LOG_LEVEL: 'silent', RISK_DEADLINE_MS: RISK_DEADLINE });
      const busB = brokers
        ? await kafkaBus({
            brokers,
            clientId: 'transaction-b',
            namespace: process.env.KAFKA_NAMESPACE,
            log: createLogger('replica-b', 'silent'),
          })
        : undefined;
      const replicaB = await startTransaction(
        transactionConfig({
          ...process.env,
          LOG_LEVEL: 'silent',
          RISK_DEADLINE_MS: RISK_DEADLINE,
          DFS_STATE_DIR: stack.stateDir,
          TRANSACTION_GRPC_PORT: '0',
          TRANSACTION_HTTP_PORT: '0',
          ATTESTATION_ADDR: stack.attestationAddr,
          RISK_ADDR: stack.riskAddr,
        }),
        busB ?? stack.bus,
      );
      const worldB = await connectWorld(stack.pki, {
        attestationAddr: stack.attestationAddr,
        transactionAddr: `127.0.0.1:${replicaB.grpcPort}`,
      });
      const store = await mongoLedgerStore({ uri });
      try {
        const payers = [];
        for (const w of [world, worldB])
          for (let i = 0; i < PAYERS_PER_REPLICA; i++) payers.push(await payer(w, { balance: 100_000 }));

        const shared = payers[0]!.merchant;
        const results = await Promise.all(
          payers.map(async (p) => {
            const out = [];
            for (let i = 1; i <= PAYMENTS_PER_PAYER; i++)
              out.push(await p.phone.daemon.pay({ payee: shared, amount: kes(100 * i) }));
            return out;
          }),
        );
        const posted = results.flat();
        expect(posted.map((r) => r.status)).toEqual(Array(payers.length * PAYMENTS_PER_PAYER).fill('POSTED'));

        const ids = posted.map((r) => r.transactionId);
        const accounts = payers.flatMap((p) => [p.wallet, p.merchant]);
        for (const view of [await readLedger(world, accounts, ids), await readLedger(worldB, accounts, ids)]) {
          expect(view.posted.size).toBe(ids.length);
          expect(new Set(view.posted.values()).size).toBe(ids.length);
          const spent = (PAYMENTS_PER_PAYER * (PAYMENTS_PER_PAYER + 1) * 100) / 2;
          for (const p of payers) expect(view.balances.get(p.wallet)).toBe(100_000 - spent);
          expect(view.balances.get(shared)).toBe(spent * payers.length);
        }
        const op = worldB.operator;
        expect((await call(op, op.GetTransaction, { transactionId: ids[0]! })).signedResult).toBeTruthy();

        const journal = await store.readJournal();
        expect(verifyJournal(journal)).toBeNull();
        expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
        for (const id of ids) expect(journal.filter((e) => e.transferId === id)).toHaveLength(1);
      } finally {
        worldB.close();
        await replicaB.stop();
        await busB?.close();
        await store.close();
        await close();
      }
    },
  );
});
