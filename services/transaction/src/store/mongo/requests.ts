import { copy } from '../../../../../kit/src/copy.js';
import { DfsError } from '../../../../../kit/src/errors.js';
import type { RequestStore } from '../ports.js';
import { driverCollection, toRequest, type LedgerModels, type RequestDoc } from './models.js';
import { defined, insertOnce } from './writes.js';

/** Payment requests on MongoDB: unique per (integratorId, correlationId); claimed by one conditional update. */
export function mongoRequests(model: LedgerModels['requests']): RequestStore {
  const requests = driverCollection<RequestDoc>(model);

  return {
    async insertRequest(r) {
      const { id, ...rest } = r;
      if (await insertOnce(() => requests.insertOne(defined({ _id: id, ...rest }))))
        return { created: true, request: copy(r) };
      const existing = await model
        .findOne({ integratorId: r.integratorId, correlationId: r.correlationId })
        .lean<RequestDoc>();
      if (!existing) throw new DfsError('STORE_UNAVAILABLE', `payment request ${id} collided with another id`);
      return { created: false, request: toRequest(existing) };
    },
    async getRequest(id) {
      const r = await requests.findOne({ _id: id });
      return r ? toRequest(r) : null;
    },
    async findRequest(integratorId, correlationId) {
      const r = await requests.findOne({ integratorId, correlationId });
      return r ? toRequest(r) : null;
    },
    async listOpenRequests(payer) {
      return (
        await model
          .find({ payer, state: 'PENDING', transactionId: null, type: { $ne: 'withdrawal' } })
          .sort({ createdAtMs: 1, _id: 1 })
          .lean<RequestDoc[]>()
      ).map(toRequest);
    },
    async claimRequest(id, transactionId, notExpiredAtMs) {
      const unexpired = notExpiredAtMs === undefined ? {} : { expiresAtMs: { $gte: notExpiredAtMs } };
      const open = { _id: id, state: 'PENDING', transactionId: null, ...unexpired } as const;
      return (await requests.updateOne(open, { $set: { transactionId } })).modifiedCount === 1;
    },
    async finishRequest(id, transactionId, state) {
      await requests.updateOne({ _id: id, state: 'PENDING', transactionId }, { $set: { state } });
    },
  };
}
