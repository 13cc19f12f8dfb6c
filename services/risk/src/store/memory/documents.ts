import type { DeviceFeatures, LineBinding, PartyFeatures } from '../../domain/features.js';
import type { DeviceStore, LineStore, PartyStore } from '../ports.js';

/** Device feature documents in a map, stored and returned as they are. */
export function memoryDevices(devices: Map<string, DeviceFeatures>): DeviceStore {
  return {
    async getDevice(id) {
      return devices.get(id) ?? null;
    },
    async putDevice(doc) {
      devices.set(doc.deviceId, doc);
    },
  };
}

/** Party feature documents in a map, stored and returned as they are. */
export function memoryParties(parties: Map<string, PartyFeatures>): PartyStore {
  return {
    async getParty(key) {
      return parties.get(key) ?? null;
    },
    async putParty(doc) {
      parties.set(doc.key, doc);
    },
  };
}

/** Line bindings in a map, stored and returned as they are. */
export function memoryLines(lines: Map<string, LineBinding>): LineStore {
  return {
    async getLine(msisdn) {
      return lines.get(msisdn) ?? null;
    },
    async putLine(doc) {
      lines.set(doc.msisdn, doc);
    },
  };
}
