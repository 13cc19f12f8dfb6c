import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import type { AccountStore } from '../store/ports.js';
import { mayUseAccount, type Integrator } from './integrators.js';
import type { Money } from './money.js';
import { signedBody } from './requests.js';
import { signResult } from './results.js';
import type { MoveDeps } from './integrator-moves.js';

/** What a GSMA quotation asks about: who would pay whom how much, and for which transaction type. */
export interface QuotationAsk {
  payer: string;
  payee: string;
  money: Money;
  type?: 'merchantpay' | 'transfer' | 'disbursement' | 'deposit';
  subType?: string;
}

/** An account the integrator may name in a quotation: one of its own, or a wallet held by a phone. */
async function nameable(integrator: Integrator, id: string, store: Pick<AccountStore, 'getAccount'>) {
  const a = await store.getAccount(id);
  if (!a || (a.holderDeviceId === null && !mayUseAccount(integrator, id)))
    throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return a;
}

/**
 * A GSMA quotation, signed: this stack charges no fees and converts no currency, so the one quote
 * is the amount itself, valid for the request-to-pay lifetime. Nothing is stored or reserved; the
 * quote binds nothing (no transaction takes a quoteId).
 */
export async function quote(
  integrator: Integrator,
  ask: QuotationAsk,
  deps: Pick<MoveDeps, 'store' | 'resultKey' | 'now' | 'requestTtlMs'>,
): Promise<string> {
  if (ask.payer === ask.payee) throw new DfsError('INVALID_ARGUMENT', 'payer equals payee');
  const [a, b] = await Promise.all([
    nameable(integrator, ask.payer, deps.store),
    nameable(integrator, ask.payee, deps.store),
  ]);
  if (a.currency !== ask.money.currency || b.currency !== ask.money.currency)
    throw new DfsError('LEDGER_CURRENCY_MISMATCH');
  const now = deps.now();
  const amount = String(ask.money.minorUnits);
  const currency = ask.money.currency;
  const payload = {
    typ: 'quotation',
    quotationReference: randomUUID(),
    quotationStatus: 'completed',
    ...(ask.type ? { type: ask.type } : {}),
    ...(ask.subType ? { subType: ask.subType } : {}),
    requestAmount: amount,
    requestCurrency: currency,
    debitParty: [{ key: 'accountid', value: ask.payer }],
    creditParty: [{ key: 'accountid', value: ask.payee }],
    quotes: [
      {
        quoteId: randomUUID(),
        sendingAmount: amount,
        sendingCurrency: currency,
        receivingAmount: amount,
        receivingCurrency: currency,
        fees: [],
        quoteExpiryTime: new Date(now + deps.requestTtlMs).toISOString(),
      },
    ],
    creationDate: new Date(now).toISOString(),
  };
  return signedBody(await signResult(payload, deps.resultKey(), now), payload);
}
