import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { connectWorld } from '../../cli/world.js';
import { kes, payer } from '../../cli/threats/scenarios/setup.js';
import { readLedger } from '../../cli/load/ledger-view.js';
import { DfsError } from '../../kit/src/errors.js';
import { errorCodeOf } from '../../kit/src/grpc-client.js';
import { workCounts } from '../../kit/src/work.js';
import { loadConfig as transactionConfig } from '../../services/transaction/src/config.js';
import type { RiskAnswer } from '../../services/transaction/src/domain/payments.js';
import { startTransaction } from '../../services/transaction/src/main.js';
import { testStack } from '../support/stack.js';

const BUDGET = 2;
const EXTRA = 4;

/**
 * A transaction replica whose risk answers wait for a gate the test opens, so the payments it
 * admitted stay in flight: what happens to the payments that arrive meanwhile is then decided by
 * admission control alone (TRANSACTION_MAX_IN_FLIGHT), not by timing.
 */
async function gatedReplica(maxInFlight: number) {
  const { stack, close } = await testStack();
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  let assessed = 0;
  const assessRisk = async (): Promise<RiskAnswer> => {
    assessed += 1;
    await gate;
    return { decision: 'APPROVE', ruleIds: [], reason: 'gated test risk' };
  };
  const replica = await startTransaction(
    transactionConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      DFS_STATE_DIR: stack.stateDir,
      TRANSACTION_GRPC_PORT: '0',
      TRANSACTION_HTTP_PORT: '0',
      ATTESTATION_ADDR: stack.attestationAddr,
      RISK_ADDR: stack.riskAddr,
      TRANSACTION_MAX_IN_FLIGHT: String(maxInFlight),
    }),
    stack.bus,
    { assessRisk },
  );
  const gated = await connectWorld(stack.pki, {
    attestationAddr: stack.attestationAddr,
    transactionAddr: `127.0.0.1:${replica.grpcPort}`,
  });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 5));
  };
  return {
    gated,
    open,
    assessedAtLeast: (n: number) => until(() => assessed >= n),
    async close() {
      gated.close();
      await replica.stop();
      await close();
    },
  };
}

const settledState = <T>(p: Promise<T>): Promise<{ value: T | null; err: unknown }> =>
  p.then(
    (value) => ({ value, err: null }),
    (err: unknown) => ({ value: null, err }),
  );

describe('graceful overload: admission control on the payment path', () => {
  it(
    `admits ${BUDGET} payments, refuses the others at once with a retryable ` +
      `OVERLOADED, stores none of them, and posts every admitted one`,
    async () => {
      const r = await gatedReplica(BUDGET);
      try {
        const phones: Awaited<ReturnType<typeof payer>>[] = [];
        for (let i = 0; i < BUDGET + EXTRA; i++) phones.push(await payer(r.gated, { balance: 10_000 }));
        const pay = (p: (typeof phones)[number]) => {
          const idempotencyKey = randomUUID();
          return {
            p,
            idempotencyKey,
            outcome: settledState(p.phone.daemon.pay({ payee: p.merchant, amount: kes(500), idempotencyKey })),
          };
        };
        const admitted = phones.slice(0, BUDGET).map(pay);
        await r.assessedAtLeast(BUDGET);
        const extra = phones.slice(BUDGET).map(pay);
        const refusals = await Promise.all(extra.map((x) => x.outcome));
        for (const { value, err } of refusals) {
          expect(value).toBeNull();
          expect(errorCodeOf(err)).toBe('OVERLOADED');
          expect((err as DfsError & { cause: { code: number } }).cause.code).toBe(status.RESOURCE_EXHAUSTED);
          expect((err as DfsError).retryAfterMs).toBeGreaterThan(0);
        }

        // The daemon waits out 3 refusals by default; a load generator asks for none (it backs off itself).
        const sends = async (overloadRetries?: number) => {
          const before = workCounts().grpcMade;
          const x = phones[BUDGET]!;
          const once = await settledState(x.phone.daemon.pay({ payee: x.merchant, amount: kes(500), overloadRetries }));
          expect(errorCodeOf(once.err)).toBe('OVERLOADED');
          return workCounts().grpcMade - before;
        };
        const [waited, atOnce] = [await sends(), await sends(0)];
        expect(waited - atOnce).toBe(3);

        r.open();
        const results = await Promise.all(admitted.map((x) => x.outcome));
        expect(results.map((x) => x.value?.status)).toEqual(Array(BUDGET).fill('POSTED'));

        const accounts = phones.flatMap((p) => [p.wallet, p.merchant]);
        const view = await readLedger(
          r.gated,
          accounts,
          results.map((x) => x.value!.transactionId),
          extra.map((x) => ({ payer: x.p.wallet, idempotencyKey: x.idempotencyKey })),
        );
        expect(view.posted.size).toBe(BUDGET);
        expect(view.refusedStored).toBe(0);
        for (const p of phones.slice(0, BUDGET))
          expect([view.balances.get(p.wallet), view.balances.get(p.merchant)]).toEqual([9_500, 500]);
        for (const p of phones.slice(BUDGET))
          expect([view.balances.get(p.wallet), view.balances.get(p.merchant)]).toEqual([10_000, 0]);

        const again = await phones[BUDGET]!.phone.daemon.pay({ payee: phones[BUDGET]!.merchant, amount: kes(500) });
        expect(again.status).toBe('POSTED');
      } finally {
        await r.close();
      }
    },
    60_000,
  );

  it(
    'with a budget above the burst, the same burst is not refused: ' +
      'every payment waits in flight (the budget is what refuses)',
    async () => {
      const r = await gatedReplica(100);
      try {
        const phones: Awaited<ReturnType<typeof payer>>[] = [];
        for (let i = 0; i < BUDGET + EXTRA; i++) phones.push(await payer(r.gated, { balance: 10_000 }));
        const outcomes = phones.map((p) => settledState(p.phone.daemon.pay({ payee: p.merchant, amount: kes(500) })));
        await r.assessedAtLeast(BUDGET + EXTRA);
        r.open();
        expect((await Promise.all(outcomes)).map((x) => x.value?.status ?? errorCodeOf(x.err))).toEqual(
          Array(BUDGET + EXTRA).fill('POSTED'),
        );
      } finally {
        await r.close();
      }
    },
    60_000,
  );
});
