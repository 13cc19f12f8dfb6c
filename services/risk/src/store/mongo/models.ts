import { Schema, type Connection, type mongo } from 'mongoose';
import { groupedFindById, groupedReplace } from '../../../../../kit/src/mongo-batch.js';

const opts = { versionKey: false, minimize: false, strict: false } as const;
const seenSchema = new Schema({ _id: String, atMs: Number }, opts);
seenSchema.index({ atMs: 1 });
const windowSchema = new Schema({ _id: String, amount: Number, count: Number, expiresAtMs: Number }, opts);
windowSchema.index({ expiresAtMs: 1 });
const docSchema = new Schema({ _id: String }, opts);

/** A stored document: the domain object with its key as `_id`. */
export type Stored<T> = T & { _id: string };

/** The domain object of a stored document, without its `_id`. */
export const strip = <T>(d: Stored<T> | null): T | null => {
  if (!d) return null;
  const { _id, ...rest } = d;
  return rest as T;
};

/** The risk service's mongoose models on one connection (windows and reservations as driver collections). */
export function riskModels(conn: Connection) {
  return {
    seen: conn.model('RiskSeenEvent', seenSchema, 'risk_seen_events'),
    devices: conn.model('RiskDevice', docSchema, 'risk_devices'),
    parties: conn.model('RiskParty', docSchema, 'risk_parties'),
    decisions: conn.model('RiskDecision', docSchema, 'risk_decisions'),
    lines: conn.model('RiskLine', docSchema, 'risk_lines'),
    windows: conn.model('RiskWindow', windowSchema, 'risk_windows').collection,
    reservations: conn.model('RiskReservation', docSchema, 'risk_reservations').collection,
  };
}

/** The risk service's models, one per collection. */
export type RiskModels = ReturnType<typeof riskModels>;

/** Replaces (or inserts) whole documents by key, grouped: one `bulkWrite` for the writes of concurrent calls. */
export function putByKey<T extends object>(collection: unknown, keyOf: (doc: T) => string): (doc: T) => Promise<void> {
  const replace = groupedReplace(collection as mongo.Collection<{ _id: string }>);
  return (doc) => replace({ _id: keyOf(doc), ...doc });
}

/** Reads documents by key without their `_id`, grouped: one `find` for the keys of concurrent calls. */
export function readByKey<T>(collection: unknown): (key: string) => Promise<T | null> {
  const byId = groupedFindById(collection as mongo.Collection<{ _id: string }>);
  return async (key) => strip((await byId(key)) as Stored<T> | null);
}
