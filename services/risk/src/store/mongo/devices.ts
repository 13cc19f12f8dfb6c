import type { DeviceFeatures } from '../../domain/features.js';
import type { DeviceStore } from '../ports.js';
import { byKey, type RiskModels } from './models.js';

/** Device feature documents on MongoDB by device id. */
export function mongoDevices(devices: RiskModels['devices']): DeviceStore {
  const docs = byKey<DeviceFeatures>(devices.collection);
  return { getDevice: docs.get, changeDevice: docs.change };
}
