import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { World } from '../world.js';
import { call } from '../../kit/src/grpc-client.js';
import type { LedgerView } from './invariants.js';

/** Reads balances and posted transactions through the operator's gRPC API, verifying every signed result. */
export async function readLedger(world: World, accounts: string[], transactionIds: string[], concurrency = 32): Promise<LedgerView> {
  const op = world.operator;
  const keys = createLocalJWKSet(JSON.parse((await call(op, op.GetResultKeys, {})).jwksJson) as JSONWebKeySet);
  const open = async (jws: string) => JSON.parse(new TextDecoder().decode((await compactVerify(jws, keys)).payload)) as Record<string, unknown>;
  const balances = new Map<string, number>();
  const posted = new Map<string, number>();
  const work = [
    ...accounts.map((id) => async () => {
      const b = await open((await call(op, op.GetBalance, { accountId: id })).signedResult);
      balances.set(id, Number((b.balance as { minorUnits: string }).minorUnits));
    }),
    ...transactionIds.map((id) => async () => {
      const t = await open((await call(op, op.GetTransaction, { transactionId: id })).signedResult).catch(() => null);
      if (t?.status === 'POSTED' && typeof t.journalSeq === 'number') posted.set(id, t.journalSeq);
    }),
  ];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let job = work.shift(); job; job = work.shift()) await job();
  }));
  return { balances, posted };
}
