import type { DeviceFeatures } from '../../domain/features.js';
import type { DeviceStore } from '../ports.js';
import { changeByKey, readByKey, type RiskModels } from './models.js';

/** Device feature documents on MongoDB by device id. */
export function mongoDevices(devices: RiskModels['devices']): DeviceStore {
  return {
    getDevice: readByKey<DeviceFeatures>(devices.collection),
    changeDevice: changeByKey<DeviceFeatures>(devices.collection),
  };
}
