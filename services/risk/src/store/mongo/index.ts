import { DfsError } from '../../../../../kit/src/errors.js';
import { connectMongo, mongoReady, type MongoOptions } from '../../../../../kit/src/mongo.js';
import { RETENTION_MS } from '../../domain/features.js';
import type { FeatureStore } from '../ports.js';
import { mongoDecisions } from './decisions.js';
import { mongoDevices } from './devices.js';
import { mongoLines } from './lines.js';
import { riskModels } from './models.js';
import { mongoParties } from './parties.js';
import { mongoReservations } from './reservations.js';
import { mongoSeen } from './seen.js';
import { mongoWindows } from './windows.js';

/**
 * The risk feature store on MongoDB (or FerretDB) through mongoose: one whole document per
 * device, party, decision and seen event id; seen ids older than the feature retention are swept.
 */
export async function mongoFeatureStore(options: MongoOptions & { sweepEveryMs?: number }): Promise<FeatureStore> {
  const conn = await connectMongo(options);
  const { seen, devices, parties, decisions, lines, windows, reservations } = riskModels(conn);
  try {
    await seen.createIndexes();
    await conn.model('RiskWindow').createIndexes();
    for (const name of ['risk_reservations', 'risk_decisions', 'risk_devices', 'risk_parties', 'risk_lines']) {
      await conn.createCollection(name).catch((err: unknown) => {
        if ((err as { codeName?: string }).codeName !== 'NamespaceExists') throw err;
      });
    }
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the risk indexes', { cause: err });
  }
  const timer = setInterval(() => {
    seen
      .deleteMany({ atMs: { $lt: Date.now() - RETENTION_MS } })
      .catch((err: unknown) => options.log?.warn({ err }, 'seen-id sweep failed'));
    windows
      .deleteMany({ expiresAtMs: { $lt: Date.now() } })
      .catch((err: unknown) => options.log?.warn({ err }, 'window sweep failed'));
    reservations
      .deleteMany({ atMs: { $lt: Date.now() - RETENTION_MS } })
      .catch((err: unknown) => options.log?.warn({ err }, 'reservation sweep failed'));
  }, options.sweepEveryMs ?? 3_600_000);
  timer.unref();

  return {
    ...mongoSeen(seen),
    ...mongoDevices(devices),
    ...mongoParties(parties),
    ...mongoDecisions(decisions),
    ...mongoLines(lines),
    ...mongoWindows(windows),
    ...mongoReservations(reservations),
    ready: () => mongoReady(conn),
    async close() {
      clearInterval(timer);
      await conn.close();
    },
  };
}
