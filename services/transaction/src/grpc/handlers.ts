import type * as grpc from '@grpc/grpc-js';
import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { jwks } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { openAccount } from '../domain/accounts.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { parseMoney, wire } from '../domain/money.js';
import { submitPayment, type PaymentDeps } from '../domain/payments.js';
import { signResult } from '../domain/results.js';

function accountId(value: string): string {
  if (!ACCOUNT_ID.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'account id');
  return value;
}

/** Operators and services see everything; a device sees only its own wallet and payments. */
function mayRead(peer: Peer, holderDeviceId: string | null): boolean {
  return peer.role === 'operator' || peer.role === 'service' || (peer.role === 'device' && peer.name === holderDeviceId);
}

/** gRPC edge of the transaction service: one thin handler per RPC with the roles allowed to call it. */
export function transactionHandlers(deps: PaymentDeps & { treasuryFloat: number; log: Logger }): TransactionServiceHandlers {
  const { store } = deps;
  return {
    SubmitPayment: unary(deps.log, 'SubmitPayment', ['device'], async (req, ctx) => ({
      signedResult: await submitPayment(req.signedPayment, req.attestationToken, ctx.peer, deps),
    })),
    GetTransaction: unary(deps.log, 'GetTransaction', ['device', 'operator', 'service'], async (req, ctx) => {
      const t = await store.getTransfer(req.transactionId);
      const payer = t && (await store.getAccount(t.payer));
      if (!t?.result || !mayRead(ctx.peer, payer?.holderDeviceId ?? null)) throw new DfsError('TRANSACTION_NOT_FOUND');
      return { signedResult: t.result };
    }),
    OpenAccount: unary(deps.log, 'OpenAccount', ['operator'], async (req) => {
      const currency = req.openingBalance?.currency ?? '';
      const opening = req.openingBalance && req.openingBalance.minorUnits !== '0' ? parseMoney(req.openingBalance, deps.currencies, deps.maxAmount) : null;
      if (!deps.currencies.has(currency)) throw new DfsError('CURRENCY_INVALID');
      const out = await openAccount({ accountId: accountId(req.accountId), holderDeviceId: req.holderDeviceId || null, opening, currency }, deps);
      return { signedResult: await signResult({ typ: 'account', accountId: out.accountId, balance: wire({ minorUnits: out.balance, currency }) }, deps.resultKey(), deps.now()) };
    }),
    GetBalance: unary(deps.log, 'GetBalance', ['device', 'operator', 'service'], async (req, ctx) => {
      const a = await store.getAccount(accountId(req.accountId));
      if (!a || !mayRead(ctx.peer, a.holderDeviceId)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
      return { signedResult: await signResult({ typ: 'balance', accountId: a.id, balance: wire({ minorUnits: a.balance, currency: a.currency }) }, deps.resultKey(), deps.now()) };
    }),
    GetResultKeys: unary(deps.log, 'GetResultKeys', ['device', 'operator', 'service'], async () => ({ jwksJson: JSON.stringify(jwks([deps.resultKey()])) })),
  } as TransactionServiceHandlers & grpc.UntypedServiceImplementation;
}
