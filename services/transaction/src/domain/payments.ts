import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { LedgerStore, OutboxEvent, Transfer } from '../store/ports.js';
import { authorizePayment, type AuthorizeDeps } from './authorize.js';
import { checkAccounts, postTransfer } from './ledger.js';
import { wire } from './money.js';
import { signResult } from './results.js';

/** What the risk service answered (or what failing closed decided). */
export interface RiskAnswer {
  decision: 'APPROVE' | 'STEP_UP' | 'DECLINE';
  ruleIds: string[];
  reason: string;
}

export interface PaymentDeps extends AuthorizeDeps {
  store: LedgerStore;
  resultKey: () => SigningKey;
  assessRisk: (t: Transfer, tier: string) => Promise<RiskAnswer>;
}

const PAYMENT_TOPIC = 'dfs.payment.v1';

function event(type: string, t: Transfer, atMs: number, data: Record<string, unknown> = {}): OutboxEvent {
  return { id: randomUUID(), topic: PAYMENT_TOPIC, type, key: t.payer, atMs, data: { transactionId: t.id, deviceId: t.deviceId, payer: t.payer, payee: t.payee, amount: t.amount, currency: t.currency, ...data } };
}

/**
 * Carries a pending transfer to its end: post it if risk approved, sign the result, store it with
 * the final state, and queue the events. Used by new payments and by recovery at start-up alike.
 */
export async function completeTransfer(t: Transfer, deps: Pick<PaymentDeps, 'store' | 'resultKey' | 'now'>): Promise<string> {
  const now = deps.now();
  let state: 'POSTED' | 'FAILED' | 'DECLINED';
  let code: string | null = null;
  const extra: Record<string, unknown> = {};
  if (t.risk?.decision !== 'APPROVE') {
    state = t.risk ? 'DECLINED' : 'FAILED';
    code = !t.risk ? 'RISK_UNAVAILABLE' : t.risk.decision === 'STEP_UP' ? 'RISK_STEP_UP_REQUIRED' : 'RISK_DECLINED';
  } else {
    const outcome = await postTransfer(deps.store, t, now);
    state = outcome.status;
    if (outcome.status === 'POSTED') Object.assign(extra, { journalSeq: outcome.journalSeq, payerBalance: wire({ minorUnits: outcome.payerBalance, currency: t.currency }) });
    else code = outcome.code;
  }
  const result = await signResult({
    typ: 'payment-result', transactionId: t.id, idempotencyKey: t.idempotencyKey, status: state, ...(code ? { code } : {}),
    payer: t.payer, payee: t.payee, amount: wire({ minorUnits: t.amount, currency: t.currency }),
    risk: t.risk ?? { decision: 'NONE', ruleIds: [], reason: 'not assessed' }, requestHash: t.requestHash, ...extra,
  }, deps.resultKey(), now);
  if (await deps.store.finishTransfer(t.id, state, code, result)) {
    await deps.store.addOutbox([event(`payment.${state.toLowerCase()}`, t, now, { code, risk: t.risk })]);
    await deps.store.clearApplied([t.payer, t.payee], t.id);
    return result;
  }
  const finished = await deps.store.getTransfer(t.id);
  return finished!.result!;
}

/** Waits for a concurrent twin to finish and returns its stored result byte for byte. */
async function storedResult(id: string, store: LedgerStore): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const t = await store.getTransfer(id);
    if (t?.result) return t.result;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new DfsError('UNAVAILABLE', 'idempotent twin did not finish');
}

/**
 * A signed payment from a phone (brief §3.4): authorize, enforce idempotency per payer, ask risk,
 * post, and answer with a backend-signed result. A retry with the same key and payload gets the
 * first result byte for byte; the same key with another payload is IDEMPOTENCY_KEY_REUSED.
 */
export async function submitPayment(signedPayment: string, token: string, peer: Peer, deps: PaymentDeps): Promise<string> {
  const p = await authorizePayment(signedPayment, token, peer, deps);
  await checkAccounts(deps.store, p.payer, p.payee, p.money.currency, p.deviceId);
  const now = deps.now();
  const draft: Transfer = {
    id: randomUUID(), payer: p.payer, payee: p.payee, amount: p.money.minorUnits, currency: p.money.currency,
    idempotencyKey: p.idempotencyKey, requestHash: p.requestHash, deviceId: p.deviceId, kind: 'payment',
    state: 'PENDING', risk: null, code: null, result: null, createdAtMs: now,
  };
  const { created, transfer } = await deps.store.insertTransfer(draft);
  if (!created) {
    if (transfer.requestHash !== p.requestHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return storedResult(transfer.id, deps.store);
  }
  await deps.store.addOutbox([event('payment.requested', transfer, now, { tier: p.tier })]);
  const risk = await deps.assessRisk(transfer, p.tier).catch(() => null);
  if (risk) {
    await deps.store.setRisk(transfer.id, risk);
    transfer.risk = risk;
  }
  return completeTransfer(transfer, deps);
}

/** Rolls every transfer left PENDING by a crash forward to its final state. */
export async function recoverPending(deps: Pick<PaymentDeps, 'store' | 'resultKey' | 'now'>): Promise<number> {
  const pending = await deps.store.listPending();
  for (const t of pending) await completeTransfer(t, deps);
  return pending.length;
}
