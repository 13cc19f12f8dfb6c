import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { BalanceResult, PaymentResult, RESULT } from '../../contracts/results.js';
import { verifyJws } from '../../kit/src/jws.js';
import type { World } from '../world.js';
import { call, errorCodeOf } from '../../kit/src/grpc-client.js';
import type { LedgerView } from './invariants.js';

/**
 * Reads balances and posted transactions through the operator's gRPC API, verifying every signed
 * result, and looks up each refused payment by payer and idempotency key (it must be unknown).
 */
export async function readLedger(
  world: World,
  accounts: string[],
  transactionIds: string[],
  refused: { payer: string; idempotencyKey: string }[] = [],
  concurrency = 32,
): Promise<LedgerView> {
  const op = world.operator;
  const keys = createLocalJWKSet(JSON.parse((await call(op, op.GetResultKeys, {})).jwksJson) as JSONWebKeySet);
  const balances = new Map<string, number>();
  const posted = new Map<string, number>();
  let refusedStored = 0;
  const work = [
    ...accounts.map((id) => async () => {
      const b = BalanceResult.parse(
        (await verifyJws((await call(op, op.GetBalance, { accountId: id })).signedResult, keys, RESULT)).payload,
      );
      balances.set(id, Number(b.balance.minorUnits));
    }),
    ...transactionIds.map((id) => async () => {
      const signed = (await call(op, op.GetTransaction, { transactionId: id })).signedResult;
      const t = await verifyJws(signed, keys, RESULT).then(
        (r) => PaymentResult.parse(r.payload),
        () => null,
      );
      if (t?.status === 'POSTED') posted.set(id, t.journalSeq);
    }),
    ...refused.map(({ payer, idempotencyKey }) => async () => {
      const code = await call(op, op.GetTransaction, { payer, idempotencyKey }).then(() => 'FOUND', errorCodeOf);
      if (code !== 'TRANSACTION_NOT_FOUND') refusedStored += 1;
    }),
  ];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = work.shift(); job; job = work.shift()) await job();
    }),
  );
  return { balances, posted, refusedStored };
}
