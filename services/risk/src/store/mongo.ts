import { Schema, type mongo } from 'mongoose';
import { DfsError } from '../../../../kit/src/errors.js';
import { connectMongo, isDuplicateKey, mongoReady, type MongoOptions } from '../../../../kit/src/mongo.js';
import type { DeviceFeatures, LineBinding, PartyFeatures } from '../domain/features.js';
import { RETENTION_MS } from '../domain/features.js';
import type { Reservation } from '../domain/reserve.js';
import { trailKey, type DecisionRecord, type FeatureStore } from './ports.js';

const opts = { versionKey: false, minimize: false, strict: false } as const;
const seenSchema = new Schema({ _id: String, atMs: Number }, opts);
seenSchema.index({ atMs: 1 });
const windowSchema = new Schema({ _id: String, amount: Number, count: Number, expiresAtMs: Number }, opts);
windowSchema.index({ expiresAtMs: 1 });
const docSchema = new Schema({ _id: String }, opts);

type Stored<T> = T & { _id: string };
const strip = <T>(d: Stored<T> | null): T | null => {
  if (!d) return null;
  const { _id, ...rest } = d;
  return rest as T;
};

/**
 * The risk feature store on MongoDB (or FerretDB) through mongoose: one whole document per
 * device, party, decision and seen event id; seen ids older than the feature retention are swept.
 */
export async function mongoFeatureStore(options: MongoOptions & { sweepEveryMs?: number }): Promise<FeatureStore> {
  const conn = await connectMongo(options);
  const seen = conn.model('RiskSeenEvent', seenSchema, 'risk_seen_events');
  const devices = conn.model('RiskDevice', docSchema, 'risk_devices');
  const parties = conn.model('RiskParty', docSchema, 'risk_parties');
  const decisions = conn.model('RiskDecision', docSchema, 'risk_decisions');
  const lines = conn.model('RiskLine', docSchema, 'risk_lines');
  const windows = conn.model('RiskWindow', windowSchema, 'risk_windows').collection;
  const reservations = conn.model('RiskReservation', docSchema, 'risk_reservations').collection;
  try {
    await seen.createIndexes();
    await conn.model('RiskWindow').createIndexes();
    for (const name of ['risk_reservations', 'risk_decisions', 'risk_devices', 'risk_parties', 'risk_lines']) {
      await conn.createCollection(name).catch((err: unknown) => { if ((err as { codeName?: string }).codeName !== 'NamespaceExists') throw err; });
    }
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the risk indexes', { cause: err });
  }
  const timer = setInterval(() => {
    seen.deleteMany({ atMs: { $lt: Date.now() - RETENTION_MS } }).catch((err: unknown) => options.log?.warn({ err }, 'seen-id sweep failed'));
    windows.deleteMany({ expiresAtMs: { $lt: Date.now() } }).catch((err: unknown) => options.log?.warn({ err }, 'window sweep failed'));
    reservations.deleteMany({ atMs: { $lt: Date.now() - RETENTION_MS } }).catch((err: unknown) => options.log?.warn({ err }, 'reservation sweep failed'));
  }, options.sweepEveryMs ?? 3_600_000);
  timer.unref();
  const put = (model: typeof devices, id: string, doc: object) => model.replaceOne({ _id: id }, doc, { upsert: true }).then(() => undefined);

  return {
    async seen(id) { return (await seen.exists({ _id: id })) !== null; },
    async markSeen(id, atMs) { await seen.replaceOne({ _id: id }, { atMs }, { upsert: true }); },
    async getDevice(id) { return strip(await devices.findById(id).lean<Stored<DeviceFeatures>>()); },
    putDevice: (doc) => put(devices, doc.deviceId, doc),
    async getParty(key) { return strip(await parties.findById(key).lean<Stored<PartyFeatures>>()); },
    putParty: (doc) => put(parties, doc.key, doc),
    async appendDecision(rec) {
      const key = trailKey(rec.transactionId, rec.stage);
      try {
        await decisions.create({ _id: key, ...rec });
        return rec;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const first = strip(await decisions.findById(key).lean<Stored<DecisionRecord>>());
        if (!first) throw err;
        return first;
      }
    },
    async getDecision(id, stage) { return strip(await decisions.findById(trailKey(id, stage)).lean<Stored<DecisionRecord>>()); },
    async getLine(msisdn) { return strip(await lines.findById(msisdn).lean<Stored<LineBinding>>()); },
    putLine: (doc) => put(lines, doc.msisdn, doc),
    async reserveWindow(key, amount, maxAmount, maxCount, expiresAtMs) {
      if (amount > maxAmount || maxCount < 1) return null;
      const filter = { _id: key as never, amount: { $lte: maxAmount - amount }, count: { $lte: maxCount - 1 } };
      const update = { $inc: { amount, count: 1 }, $setOnInsert: { expiresAtMs } };
      // A missing bucket is created by the upsert; when two create it at once, or the bucket exists
      // but is full, the insert meets the unique _id and a plain conditional update decides. Whether
      // the write applied is read from its count (n), not from the returned document: secantusd answers
      // an upsert that became an update with n: 1 and no document.
      let upsert = true;
      for (let attempt = 0; attempt < 1000; attempt++) {
        let r: mongo.ModifyResult;
        try {
          r = await windows.findOneAndUpdate(filter, update, { upsert, returnDocument: 'after', includeResultMetadata: true });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          upsert = false;
          continue;
        }
        if (r.lastErrorObject?.n === 1) {
          const doc = r.value ?? (await windows.findOne({ _id: key as never })) ?? { amount, count: 1 };
          return { amount: doc.amount as number, count: doc.count as number };
        }
        if (upsert || (await windows.findOne({ _id: key as never }))) return null;
        upsert = true;
      }
      throw new DfsError('STORE_UNAVAILABLE', `window ${key} kept colliding`);
    },
    async releaseWindow(key, amount) { await windows.updateOne({ _id: key as never }, { $inc: { amount: -amount, count: -1 } }); },
    async getWindow(key) {
      const w = await windows.findOne({ _id: key as never });
      return w ? { amount: w.amount as number, count: w.count as number } : null;
    },
    async putReservation(r) {
      try {
        await reservations.insertOne({ _id: r.transactionId as never, ...r });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async moveReservation(id, from, to) {
      const was = await reservations.findOneAndUpdate({ _id: id as never, state: { $in: from } }, { $set: { state: to } }, { returnDocument: 'before' });
      return strip(was as Stored<Reservation> | null);
    },
    async getReservation(id) { return strip((await reservations.findOne({ _id: id as never })) as Stored<Reservation> | null); },
    ready: () => mongoReady(conn),
    async close() {
      clearInterval(timer);
      await conn.close();
    },
  };
}
