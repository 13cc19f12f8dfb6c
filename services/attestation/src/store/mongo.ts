import { Schema, type mongo } from 'mongoose';
import { DfsError } from '../../../../kit/src/errors.js';
import { groupedFindById } from '../../../../kit/src/mongo-batch.js';
import { connectMongo, isDuplicateKey, mongoReady, type MongoOptions } from '../../../../kit/src/mongo.js';
import type { StoredChallenge } from '../domain/challenges.js';
import type { StatusList } from '../domain/status-list.js';
import type { AttestationStore, DeviceRecord } from './ports.js';

const opts = { versionKey: false, minimize: false, strict: false } as const;
const challengeSchema = new Schema({ _id: String, expiresAtMs: Number }, opts);
challengeSchema.index({ expiresAtMs: 1 });
const useSchema = new Schema({ _id: String, atMs: Number }, opts);
useSchema.index({ atMs: 1 });
const deviceSchema = new Schema({ _id: String, attestationSerials: { type: [String], default: undefined } }, opts);
deviceSchema.index({ attestationSerials: 1 });
const statusSchema = new Schema({ _id: String, issuedAtMs: Number, entries: Schema.Types.Mixed }, opts);
/** The one status-list document's id. */
const STATUS_LIST = 'status-list';

type ChallengeDoc = Omit<StoredChallenge, 'id'> & { _id: string };
type DeviceDoc = DeviceRecord & { _id: string };
const toDevice = ({ _id, ...d }: DeviceDoc): DeviceRecord => d as DeviceRecord;

export interface MongoAttestationOptions extends MongoOptions {
  /** How long expired challenges and their use markers are kept (so a late replay still reads EXPIRED). */
  retainExpiredMs?: number;
  sweepEveryMs?: number;
}

/**
 * The attestation store on MongoDB (or FerretDB) through mongoose. A challenge is consumed by
 * inserting its use marker (a unique _id), atomic on every server; expired challenges are swept in
 * code because FerretDB has no TTL indexes.
 */
export async function mongoAttestationStore(options: MongoAttestationOptions): Promise<AttestationStore> {
  const conn = await connectMongo(options);
  const challenges = conn.model('AttestationChallenge', challengeSchema, 'attestation_challenges');
  const uses = conn.model('AttestationChallengeUse', useSchema, 'attestation_challenge_uses');
  const devices = conn.model('AttestationDevice', deviceSchema, 'attestation_devices');
  const status = conn.model('AttestationStatusList', statusSchema, 'attestation_status');
  try {
    for (const model of [challenges, uses, devices]) await model.createIndexes();
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the attestation indexes', { cause: err });
  }
  const deviceById = groupedFindById(devices.collection as unknown as mongo.Collection<DeviceDoc>);
  const retain = options.retainExpiredMs ?? 3_600_000;
  const sweep = async () => {
    const before = Date.now() - retain;
    await challenges.deleteMany({ expiresAtMs: { $lt: before } });
    await uses.deleteMany({ atMs: { $lt: before } });
  };
  const timer = setInterval(
    () => void sweep().catch((err: unknown) => options.log?.warn({ err }, 'challenge sweep failed')),
    options.sweepEveryMs ?? 60_000,
  );
  timer.unref();

  return {
    async putChallenge({ id, ...c }) {
      await challenges.replaceOne({ _id: id }, c, { upsert: true });
    },
    async consumeChallenge(id) {
      const c = await challenges.findById(id).lean<ChallengeDoc>();
      if (!c) return null;
      const { _id, ...rest } = c;
      try {
        await uses.create({ _id, atMs: Math.max(Date.now(), c.expiresAtMs) });
        return { id: _id, ...rest };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return { id: _id, ...rest, used: true };
      }
    },
    async getDevice(id) {
      const d = await deviceById(id);
      return d ? toDevice(d) : null;
    },
    async putDevice(d, prior) {
      const next = { ...d, version: (prior?.version ?? 0) + 1 };
      if (prior)
        return (await devices.replaceOne({ _id: d.deviceId, version: prior.version }, next)).matchedCount === 1;
      try {
        await devices.create({ _id: d.deviceId, ...next });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async listDevices() {
      return (await devices.find().sort({ _id: 1 }).lean<DeviceDoc[]>()).map(toDevice);
    },
    async devicesAttestedUnder(serials) {
      return (
        await devices
          .find({ attestationSerials: { $in: serials } })
          .sort({ _id: 1 })
          .lean<DeviceDoc[]>()
      ).map(toDevice);
    },
    async getStatusList() {
      const doc = await status.findById(STATUS_LIST).lean<StatusList & { _id: string }>();
      return doc ? { issuedAtMs: doc.issuedAtMs, entries: doc.entries } : null;
    },
    async putStatusList(list) {
      // Replaces only an older list; against a newer or equal one the upsert meets the unique _id. So
      // does the first write racing another first write: then the other is in, and is replaced if older.
      const older = { _id: STATUS_LIST, issuedAtMs: { $lt: list.issuedAtMs } };
      try {
        await status.replaceOne(older, list, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await status.replaceOne(older, list);
      }
    },
    ready: () => mongoReady(conn),
    async close() {
      clearInterval(timer);
      await conn.close();
    },
  };
}
