import type { DeviceFeatures } from '../../domain/features.js';
import type { DeviceStore } from '../ports.js';
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
