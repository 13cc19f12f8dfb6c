import type { DeviceRecord } from '../store/ports.js';

/** What the attestation service tells the rest of the stack about devices; adapters publish to the bus. */
export interface DeviceEvents {
  /** device.attested: tier and reasons for the risk service; `replacedKey` when the IMEI changed key. */
  attested(device: DeviceRecord, replacedKey?: string): Promise<void>;
  /** device.rejected: every refusal code in check order (deviceId only once the record verified). */
  rejected(r: { deviceId?: string; model?: string; codes: string[] }): Promise<void>;
  /** device.revoked: the whole device (operator) or only some of its keys (key replaced). */
  revoked(r: { deviceId: string; scope: 'device' | 'key'; keyThumbprints: string[]; reason: string }): Promise<void>;
  /** device.reverified: an operator reinstated (re-verified) the device. */
  reverified(r: { deviceId: string; reason: string }): Promise<void>;
}
