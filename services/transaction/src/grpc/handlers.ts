import type * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import type { Admission } from '../../../../kit/src/admission.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import { jwks } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { GetTransactionRequest__Output } from '../../../../gen/proto/dfs/v1/GetTransactionRequest.js';
import type { ReverseTransactionRequest__Output } from '../../../../gen/proto/dfs/v1/ReverseTransactionRequest.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { openAccount } from '../domain/accounts.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { parseMoney, wire } from '../domain/money.js';
import { abandonPayment, submitPayment, type PaymentDeps } from '../domain/payments.js';
import { CORRELATION_ID, openRequestsFor } from '../domain/requests.js';
import { signResult } from '../domain/results.js';
import { returnTransfer, type ReturnRequest } from '../domain/returns.js';
import { reportDevice } from '../domain/reports.js';
import { confirmStepUp } from '../domain/stepup.js';

function accountId(value: string): string {
  if (!ACCOUNT_ID.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'account id');
  return value;
}

function transactionId(value: string): string {
  if (!z.uuid().safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'transaction id');
  return value;
}

/** The transfer a GetTransaction names: by id, or by payer and idempotency key (never both). */
async function lookupTransfer(req: GetTransactionRequest__Output, store: PaymentDeps['store']) {
  if (req.transactionId) {
    if (req.payer || req.idempotencyKey) throw new DfsError('INVALID_ARGUMENT', 'transaction id or payer and idempotency key, not both');
    return store.getTransfer(transactionId(req.transactionId));
  }
  if (!CORRELATION_ID.safeParse(req.idempotencyKey).success) throw new DfsError('INVALID_ARGUMENT', 'idempotency key');
  return store.findTransfer(accountId(req.payer), req.idempotencyKey);
}

/** Validates a ReverseTransaction request: a reversal names only the transaction; a refund adds an amount and a key. */
function returnRequest(req: ReverseTransactionRequest__Output, deps: Pick<PaymentDeps, 'currencies' | 'maxAmount'>): ReturnRequest {
  transactionId(req.transactionId);
  if (req.reason.length > 200 || /\p{Cc}/u.test(req.reason)) throw new DfsError('INVALID_ARGUMENT');
  if (req.kind === 'REVERSAL') {
    if (req.amount || req.idempotencyKey) throw new DfsError('INVALID_ARGUMENT', 'a reversal returns the whole amount');
    return { transactionId: req.transactionId, kind: 'reversal', amount: null, idempotencyKey: '', reason: req.reason };
  }
  if (req.kind !== 'REFUND' || !CORRELATION_ID.safeParse(req.idempotencyKey).success) throw new DfsError('INVALID_ARGUMENT');
  return { transactionId: req.transactionId, kind: 'refund', amount: parseMoney(req.amount, deps.currencies, deps.maxAmount), idempotencyKey: req.idempotencyKey, reason: req.reason };
}

/** Operators and services see everything; a device sees only its own wallet and payments. */
function mayRead(peer: Peer, holderDeviceId: string | null): boolean {
  return peer.role === 'operator' || peer.role === 'service' || (peer.role === 'device' && peer.name === holderDeviceId);
}

/** gRPC edge of the transaction service: one thin handler per RPC with the roles allowed to call it. */
export function transactionHandlers(deps: PaymentDeps & { treasuryFloat: number; log: Logger; admission: Admission }): TransactionServiceHandlers {
  const { store } = deps;
  return {
    SubmitPayment: unary(deps.log, 'SubmitPayment', [CALLERS.anyDevice], (req, ctx) => deps.admission.run(async () => ({
      signedResult: await submitPayment(req.signedPayment, req.attestationToken, ctx.peer, deps),
    }))),
    GetTransaction: unary(deps.log, 'GetTransaction', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => {
      const t = await lookupTransfer(req, store);
      const payer = t && (await store.getAccount(t.payer));
      if (!t || !mayRead(ctx.peer, payer?.holderDeviceId ?? null)) throw new DfsError('TRANSACTION_NOT_FOUND');
      const answer = t.result ?? t.stepUp?.interim;
      if (!answer) throw new DfsError('TRANSACTION_IN_PROGRESS');
      return { signedResult: answer };
    }),
    AbandonPayment: unary(deps.log, 'AbandonPayment', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => {
      if (!CORRELATION_ID.safeParse(req.idempotencyKey).success) throw new DfsError('INVALID_ARGUMENT', 'idempotency key');
      const payer = await store.getAccount(accountId(req.payer));
      if (!payer || !mayRead(ctx.peer, payer.holderDeviceId)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
      return { signedResult: await abandonPayment(payer.id, req.idempotencyKey, ctx.peer.role === 'device' ? ctx.peer.name : '', deps) };
    }),
    OpenAccount: unary(deps.log, 'OpenAccount', [CALLERS.anyOperator], async (req) => {
      const currency = req.openingBalance?.currency ?? '';
      const opening = req.openingBalance && req.openingBalance.minorUnits !== '0' ? parseMoney(req.openingBalance, deps.currencies, deps.maxAmount) : null;
      if (!deps.currencies.has(currency)) throw new DfsError('CURRENCY_INVALID');
      if (req.holderDeviceId && !ACCOUNT_ID.safeParse(req.holderDeviceId).success) throw new DfsError('INVALID_ARGUMENT', 'holder device id');
      const out = await openAccount({ accountId: accountId(req.accountId), holderDeviceId: req.holderDeviceId || null, opening, currency }, deps);
      return { signedResult: await signResult({ typ: 'account', accountId: out.accountId, balance: wire({ minorUnits: out.balance, currency }) }, deps.resultKey(), deps.now()) };
    }),
    GetBalance: unary(deps.log, 'GetBalance', [CALLERS.anyDevice, CALLERS.anyOperator], async (req, ctx) => {
      const a = await store.getAccount(accountId(req.accountId));
      if (!a || !mayRead(ctx.peer, a.holderDeviceId)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
      return { signedResult: await signResult({ typ: 'balance', accountId: a.id, balance: wire({ minorUnits: a.balance, currency: a.currency }) }, deps.resultKey(), deps.now()) };
    }),
    ConfirmStepUp: unary(deps.log, 'ConfirmStepUp', [CALLERS.anyDevice], async (req, ctx) => ({
      signedResult: await confirmStepUp(req.transactionId, req.signedConfirmation, req.attestationToken, ctx.peer, deps),
    })),
    ReportDevice: unary(deps.log, 'ReportDevice', [CALLERS.anyDevice], async (req, ctx) => ({
      eventType: await reportDevice(req.signedReport, req.attestationToken, ctx.peer, deps),
    })),
    ListPaymentRequests: unary(deps.log, 'ListPaymentRequests', [CALLERS.anyDevice], async (req, ctx) => {
      const a = await store.getAccount(accountId(req.accountId));
      if (!a || a.holderDeviceId !== ctx.peer.name) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
      return { signedResult: await openRequestsFor(a.id, deps) };
    }),
    ReverseTransaction: unary(deps.log, 'ReverseTransaction', [CALLERS.anyOperator], async (req) => ({
      signedResult: await returnTransfer(returnRequest(req, deps), deps),
    })),
    GetResultKeys: unary(deps.log, 'GetResultKeys', [CALLERS.anyDevice, CALLERS.anyOperator], async () => ({ jwksJson: JSON.stringify(jwks([deps.resultKey()])) })),
  } as TransactionServiceHandlers & grpc.UntypedServiceImplementation;
}
