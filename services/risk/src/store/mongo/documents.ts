import type { DeviceFeatures, LineBinding, PartyFeatures } from '../../domain/features.js';
import type { DeviceStore, LineStore, PartyStore } from '../ports.js';
import { put, strip, type RiskModels, type Stored } from './models.js';

/** Device feature documents on MongoDB, replaced whole by device id. */
export function mongoDevices(devices: RiskModels['devices']): DeviceStore {
  return {
    async getDevice(id) {
      return strip(await devices.findById(id).lean<Stored<DeviceFeatures>>());
    },
    putDevice: (doc) => put(devices, doc.deviceId, doc),
  };
}

/** Party feature documents on MongoDB, replaced whole by party key. */
export function mongoParties(parties: RiskModels['parties']): PartyStore {
  return {
    async getParty(key) {
      return strip(await parties.findById(key).lean<Stored<PartyFeatures>>());
    },
    putParty: (doc) => put(parties, doc.key, doc),
  };
}

/** Line bindings on MongoDB, replaced whole by phone number. */
export function mongoLines(lines: RiskModels['lines']): LineStore {
  return {
    async getLine(msisdn) {
      return strip(await lines.findById(msisdn).lean<Stored<LineBinding>>());
    },
    putLine: (doc) => put(lines, doc.msisdn, doc),
  };
}
