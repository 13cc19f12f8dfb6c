import type { Transfer } from '../../domain/model.js';
import type { TransferFilter, TransferStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Whether a transfer is into or out of `accountId` and matches `f` (the mongo find filter's semantics). */
const matches = (t: Transfer, accountId: string, f: TransferFilter) =>
  (t.payer === accountId || t.payee === accountId) &&
  (f.fromMs === undefined || t.createdAtMs >= f.fromMs) &&
  (f.toMs === undefined || t.createdAtMs <= f.toMs) &&
  (f.state === undefined || t.state === f.state);

/** Transfers in process memory, unique per (payer, idempotencyKey). */
export function memoryTransfers(): TransferStore {
  const transfers = new Map<string, Transfer>();
  const byKey = new Map<string, string>();

  return {
    async insertTransfer(t) {
      const key = `${t.payer}\u0000${t.idempotencyKey}`;
      const existing = byKey.get(key);
      if (existing) return { created: false, transfer: copy(transfers.get(existing)!) };
      byKey.set(key, t.id);
      transfers.set(t.id, copy(t));
      return { created: true, transfer: copy(t) };
    },
    async getTransfer(id) {
      const t = transfers.get(id);
      return t ? copy(t) : null;
    },
    async findTransfer(payer, idempotencyKey) {
      const id = byKey.get(`${payer}\u0000${idempotencyKey}`);
      return id ? copy(transfers.get(id)!) : null;
    },
    async listAccountTransfers(accountId, filter, limit, offset) {
      return [...transfers.values()]
        .filter((t) => matches(t, accountId, filter))
        .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(offset, offset + limit)
        .map(copy);
    },
    async countAccountTransfers(accountId, filter) {
      return [...transfers.values()].filter((t) => matches(t, accountId, filter)).length;
    },
    async setRisk(id, risk) {
      const t = transfers.get(id);
      if (t?.state === 'PENDING') t.risk = copy(risk);
    },
    async finishTransfer(id, state, code, result) {
      const t = transfers.get(id);
      if (!t || t.state !== 'PENDING') return false;
      Object.assign(t, { state, code, result });
      return true;
    },
    async listPending() {
      return [...transfers.values()].filter((t) => t.state === 'PENDING').map(copy);
    },
    async claimRecovery(id, nowMs, untilMs, risk, decided = 'none') {
      const t = transfers.get(id);
      if (t?.state !== 'PENDING' || (t.recoveryUntilMs ?? 0) > nowMs) return false;
      if (decided !== 'any' && t.decided) return false;
      t.recoveryUntilMs = untilMs;
      if (risk) t.risk = copy(risk);
      return true;
    },
    async releaseRecovery(id, untilMs) {
      const t = transfers.get(id);
      if (t?.recoveryUntilMs === untilMs) t.recoveryUntilMs = null;
    },
    async decideTransfer(id, untilMs, decided) {
      const t = transfers.get(id);
      if (t?.state !== 'PENDING' || t.recoveryUntilMs !== untilMs || t.decided) return false;
      t.decided = copy(decided);
      return true;
    },
    async setStepUp(id, stepUp) {
      const t = transfers.get(id);
      if (t?.state !== 'PENDING' || t.stepUp) return false;
      t.stepUp = copy(stepUp);
      return true;
    },
    async passStepUp(id, challenge, risk) {
      const t = transfers.get(id);
      if (t?.state !== 'PENDING' || t.stepUp?.challenge !== challenge || t.decided) return false;
      Object.assign(t, { stepUp: null, risk: copy(risk) });
      return true;
    },
    async reserveReturn(id, amount, returnId) {
      const t = transfers.get(id);
      if (t?.state !== 'POSTED' || t.returns?.includes(returnId) || (t.returned ?? 0) + amount > t.amount) return false;
      t.returned = (t.returned ?? 0) + amount;
      t.returns = [...(t.returns ?? []), returnId];
      return true;
    },
    async releaseReturn(id, amount, returnId) {
      const t = transfers.get(id);
      if (!t?.returns?.includes(returnId)) return;
      t.returned = (t.returned ?? 0) - amount;
      t.returns = t.returns.filter((r) => r !== returnId);
    },
  };
}
