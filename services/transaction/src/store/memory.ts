import type { Account, JournalEntry, OutboxEvent, PaymentRequest, Transfer } from '../domain/model.js';
import type { LedgerStore } from './ports.js';

/** The embedded default ledger store: process memory with the same single-document semantics as MongoDB. */
export function memoryLedgerStore(): LedgerStore {
  const accounts = new Map<string, Account>();
  const transfers = new Map<string, Transfer>();
  const byKey = new Map<string, string>();
  const journal: JournalEntry[] = [];
  const journalByTransfer = new Map<string, JournalEntry>();
  const outbox = new Map<string, OutboxEvent>();
  const requests = new Map<string, PaymentRequest>();
  const requestByKey = new Map<string, string>();
  let checkpoint: { seq: number; jws: string } | null = null;
  const copy = <T>(v: T): T => structuredClone(v);
  const account = (id: string) => {
    const a = accounts.get(id);
    if (!a) throw new Error(`account ${id} vanished`);
    return a;
  };

  return {
    async createAccount(a) {
      if (accounts.has(a.id)) return false;
      accounts.set(a.id, copy(a));
      return true;
    },
    async getAccount(id) { const a = accounts.get(id); return a ? copy(a) : null; },
    async listAccounts() { return [...accounts.values()].map(copy); },
    async debit(id, transferId, amount) {
      const a = account(id);
      if (a.applied.includes(transferId)) return 'already';
      if (a.balance < amount) return 'insufficient';
      a.balance -= amount;
      a.applied.push(transferId);
      return 'applied';
    },
    async credit(id, transferId, amount) {
      const a = account(id);
      if (a.applied.includes(transferId)) return 'already';
      a.balance += amount;
      a.applied.push(transferId);
      return 'applied';
    },
    async clearApplied(ids, transferId) {
      for (const id of ids) { const a = accounts.get(id); if (a) a.applied = a.applied.filter((t) => t !== transferId); }
    },
    async insertTransfer(t) {
      const key = `${t.payer}\u0000${t.idempotencyKey}`;
      const existing = byKey.get(key);
      if (existing) return { created: false, transfer: copy(transfers.get(existing)!) };
      byKey.set(key, t.id);
      transfers.set(t.id, copy(t));
      return { created: true, transfer: copy(t) };
    },
    async getTransfer(id) { const t = transfers.get(id); return t ? copy(t) : null; },
    async findTransfer(payer, idempotencyKey) { const id = byKey.get(`${payer}\u0000${idempotencyKey}`); return id ? copy(transfers.get(id)!) : null; },
    async setRisk(id, risk) { const t = transfers.get(id); if (t?.state === 'PENDING') t.risk = copy(risk); },
    async finishTransfer(id, state, code, result) {
      const t = transfers.get(id);
      if (!t || t.state !== 'PENDING') return false;
      Object.assign(t, { state, code, result });
      return true;
    },
    async listPending() { return [...transfers.values()].filter((t) => t.state === 'PENDING').map(copy); },
    async claimRecovery(id, nowMs, untilMs) {
      const t = transfers.get(id);
      if (t?.state !== 'PENDING' || (t.recoveryUntilMs ?? 0) > nowMs) return false;
      t.recoveryUntilMs = untilMs;
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
      if (t?.state !== 'PENDING' || t.stepUp?.challenge !== challenge) return false;
      Object.assign(t, { stepUp: null, risk: copy(risk) });
      return true;
    },
    async reserveReturn(id, amount) {
      const t = transfers.get(id);
      if (t?.state !== 'POSTED' || (t.returned ?? 0) + amount > t.amount) return false;
      t.returned = (t.returned ?? 0) + amount;
      return true;
    },
    async releaseReturn(id, amount) {
      const t = transfers.get(id);
      if (t) t.returned = Math.max(0, (t.returned ?? 0) - amount);
    },
    async insertRequest(r) {
      const key = `${r.integratorId}\u0000${r.correlationId}`;
      const existing = requestByKey.get(key);
      if (existing) return { created: false, request: copy(requests.get(existing)!) };
      requestByKey.set(key, r.id);
      requests.set(r.id, copy(r));
      return { created: true, request: copy(r) };
    },
    async getRequest(id) { const r = requests.get(id); return r ? copy(r) : null; },
    async listOpenRequests(payer) {
      return [...requests.values()].filter((r) => r.payer === payer && r.state === 'PENDING' && !r.transactionId).map(copy);
    },
    async claimRequest(id, transactionId) {
      const r = requests.get(id);
      if (r?.state !== 'PENDING' || r.transactionId) return false;
      r.transactionId = transactionId;
      return true;
    },
    async finishRequest(id, transactionId, state) {
      const r = requests.get(id);
      if (r?.state === 'PENDING' && r.transactionId === transactionId) r.state = state;
    },
    async appendJournal(transferId, make) {
      const done = journalByTransfer.get(transferId);
      if (done) return copy(done);
      const entry = make(journal.at(-1) ?? null);
      journal.push(copy(entry));
      journalByTransfer.set(transferId, copy(entry));
      return entry;
    },
    async readJournal(afterSeq = 0, limit = Infinity) { return journal.slice(afterSeq, afterSeq + limit).map(copy); },
    async journalLength() { return journal.length; },
    async getCheckpoint() { return checkpoint?.jws ?? null; },
    async putCheckpoint(seq, jws) { if (!checkpoint || checkpoint.seq < seq) checkpoint = { seq, jws }; },
    async outboxBacklog() { return outbox.size; },
    async addOutbox(events) { for (const e of events) outbox.set(e.id, copy(e)); },
    async pendingOutbox(limit) {
      const out: OutboxEvent[] = [];
      for (const e of outbox.values()) { if (out.length >= limit) break; out.push(copy(e)); }
      return out;
    },
    async markSent(ids) { for (const id of ids) outbox.delete(id); },
    async ready() { return true; },
    async close() {},
  };
}
