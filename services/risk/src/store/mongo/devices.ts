import type { DeviceFeatures } from '../../domain/features.js';
import type { DeviceStore } from '../ports.js';
import { putByKey, readByKey, type RiskModels } from './models.js';

/** Device feature documents on MongoDB, replaced whole by device id. */
export function mongoDevices(devices: RiskModels['devices']): DeviceStore {
  return {
    getDevice: readByKey<DeviceFeatures>(devices.collection),
    putDevice: putByKey<DeviceFeatures>(devices.collection, (doc) => doc.deviceId),
  };
}
