import type { DeviceFeatures } from '../../domain/features.js';
import type { DeviceStore } from '../ports.js';
import { changeIn } from './change.js';

/** Device feature documents in a map, stored and returned as they are. */
export function memoryDevices(devices: Map<string, DeviceFeatures>): DeviceStore {
  return {
    async getDevice(id) {
      return devices.get(id) ?? null;
    },
    changeDevice: changeIn(devices),
  };
}
