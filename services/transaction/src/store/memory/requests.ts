import type { PaymentRequest } from '../../domain/model.js';
import type { RequestStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Payment requests in process memory, unique per (integratorId, correlationId). */
export function memoryRequests(): RequestStore {
  const requests = new Map<string, PaymentRequest>();
  const requestByKey = new Map<string, string>();

  return {
    async insertRequest(r) {
      const key = `${r.integratorId}\u0000${r.correlationId}`;
      const existing = requestByKey.get(key);
      if (existing) return { created: false, request: copy(requests.get(existing)!) };
      requestByKey.set(key, r.id);
      requests.set(r.id, copy(r));
      return { created: true, request: copy(r) };
    },
    async getRequest(id) {
      const r = requests.get(id);
      return r ? copy(r) : null;
    },
    async findRequest(integratorId, correlationId) {
      const id = requestByKey.get(`${integratorId}\u0000${correlationId}`);
      return id ? copy(requests.get(id)!) : null;
    },
    async listOpenRequests(payer) {
      return [...requests.values()]
        .filter((r) => r.payer === payer && r.state === 'PENDING' && !r.transactionId && r.type !== 'withdrawal')
        .map(copy);
    },
    async claimRequest(id, transactionId, notExpiredAtMs) {
      const r = requests.get(id);
      if (r?.state !== 'PENDING' || r.transactionId) return false;
      if (notExpiredAtMs !== undefined && r.expiresAtMs < notExpiredAtMs) return false;
      r.transactionId = transactionId;
      return true;
    },
    async finishRequest(id, transactionId, state) {
      const r = requests.get(id);
      if (r?.state === 'PENDING' && r.transactionId === transactionId) r.state = state;
    },
  };
}
