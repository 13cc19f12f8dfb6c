import type { OutboxEvent } from '../../domain/model.js';
import type { OutboxStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** The outbox in process memory, in insertion order; a re-added id keeps its place. */
export function memoryOutbox(): OutboxStore {
  const outbox = new Map<string, OutboxEvent>();
  let lease = { holder: '', untilMs: 0 };

  return {
    async outboxBacklog() {
      return outbox.size;
    },
    async addOutbox(events) {
      for (const e of events) outbox.set(e.id, copy(e));
    },
    async pendingOutbox(limit) {
      const out: OutboxEvent[] = [];
      for (const e of outbox.values()) {
        if (out.length >= limit) break;
        out.push(copy(e));
      }
      return out;
    },
    async markSent(ids) {
      for (const id of ids) outbox.delete(id);
    },
    async leaseRelay(holder, nowMs, untilMs) {
      if (lease.holder !== holder && lease.untilMs > nowMs) return false;
      lease = { holder, untilMs };
      return true;
    },
  };
}
