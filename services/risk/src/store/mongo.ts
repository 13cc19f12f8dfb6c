import { Schema } from 'mongoose';
import { DfsError } from '../../../../kit/src/errors.js';
import { connectMongo, isDuplicateKey, mongoReady, type MongoOptions } from '../../../../kit/src/mongo.js';
import type { DeviceFeatures, PartyFeatures } from '../domain/features.js';
import { RETENTION_MS } from '../domain/features.js';
import { trailKey, type DecisionRecord, type FeatureStore } from './ports.js';

const opts = { versionKey: false, minimize: false, strict: false } as const;
const seenSchema = new Schema({ _id: String, atMs: Number }, opts);
seenSchema.index({ atMs: 1 });
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
  try {
    await seen.createIndexes();
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the risk indexes', { cause: err });
  }
  const timer = setInterval(() => {
    seen.deleteMany({ atMs: { $lt: Date.now() - RETENTION_MS } }).catch((err: unknown) => options.log?.warn({ err }, 'seen-id sweep failed'));
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
    ready: () => mongoReady(conn),
    async close() {
      clearInterval(timer);
      await conn.close();
    },
  };
}
