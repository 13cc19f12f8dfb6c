import { Schema, type Connection, type mongo } from 'mongoose';
import { DfsError } from '../../../../../kit/src/errors.js';
import { keyedQueue } from '../../../../../kit/src/keyed.js';
import { mask } from '../../../../../kit/src/log.js';
import { groupedFindById, groupedReplaceIf } from '../../../../../kit/src/mongo-batch.js';
import type { Change } from '../ports.js';

const opts = { versionKey: false, minimize: false, strict: false } as const;
const seenSchema = new Schema({ _id: String, atMs: Number }, opts);
seenSchema.index({ atMs: 1 });
const windowSchema = new Schema({ _id: String, amount: Number, count: Number, expiresAtMs: Number }, opts);
windowSchema.index({ expiresAtMs: 1 });
const docSchema = new Schema({ _id: String }, opts);

/** A stored document: the domain object with its key as `_id`, and the store's own write count on changed ones. */
export type Stored<T> = T & { _id: string; _version?: number };

/** The domain object of a stored document, without its `_id` and `_version`. */
export const strip = <T>(d: Stored<T> | null): T | null => {
  if (!d) return null;
  const { _id, _version, ...rest } = d;
  return rest as T;
};

/** How many times a change is read and tried again before the event it applies fails (and is redelivered). */
const CHANGE_TRIES = 20;

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

/** Reads by key through a grouped reader, without `_id` and `_version`. */
const readThrough =
  <T>(byId: (id: string) => Promise<unknown>) =>
  async (key: string): Promise<T | null> =>
    strip((await byId(key)) as Stored<T> | null);

/** Reads documents by key without their `_id`, grouped: one `find` for the keys of concurrent calls. */
export function readByKey<T>(collection: unknown): (key: string) => Promise<T | null> {
  return readThrough<T>(groupedFindById(collection as mongo.Collection<{ _id: string }>));
}

/**
 * One collection's documents by key: `get` reads one without its `_id` and `_version`; `change`
 * reads it, lets the change say what it becomes, and writes that only if no other write came
 * between (compare-and-set on `_version`), reading again otherwise. Two risk replicas applying
 * events of different partitions to one device or payee lose neither update. Reads of concurrent
 * calls, `get` and `change` alike, are grouped into one `find`, and writes into one `bulkWrite`;
 * changes of one key in this process run one after another, so only another process's write can
 * make one read again.
 */
export function byKey<T>(collection: unknown): {
  get: (key: string) => Promise<T | null>;
  change: (key: string, change: Change<T>) => Promise<void>;
} {
  const col = collection as mongo.Collection<Stored<object>>;
  const byId = groupedFindById(col);
  const swap = groupedReplaceIf(col, '_version');
  const oneAtATime = keyedQueue();
  return {
    get: readThrough<T>(byId),
    change: (key, change) =>
      oneAtATime([key], async () => {
        for (let attempt = 0; attempt < CHANGE_TRIES; attempt++) {
          const stored = (await byId(key)) as Stored<T> | null;
          const next = change(strip(stored));
          if (!next) return;
          const version = stored?._version ?? null;
          if (await swap({ ...next, _id: key, _version: (version ?? 0) + 1 }, version)) return;
        }
        // The key masked: a line's key is its phone number, and the error reaches the bus's logs.
        throw new DfsError('FEATURE_UPDATE_CONFLICT', `${col.collectionName} ${mask(key)}`);
      }),
  };
}
