import type { StoredChallenge } from '../domain/challenges.js';

/** A device as the registry knows it. */
export interface DeviceRecord {
  deviceId: string;
  imei: string;
  model: string;
  serial: string;
  keyThumbprint: string;
  accountId: string;
  tier: string;
  reasons: string[];
  highestRollbackIndex: number;
  status: 'ACTIVE' | 'REVOKED';
  lastAttestedAtMs: number;
}

/** Storage the attestation service needs; in-memory by default, MongoDB when configured. */
export interface AttestationStore {
  putChallenge(c: StoredChallenge): Promise<void>;
  /** Atomically marks a challenge used and returns it as it was before (null when unknown). */
  consumeChallenge(id: string): Promise<StoredChallenge | null>;
  getDevice(deviceId: string): Promise<DeviceRecord | null>;
  putDevice(d: DeviceRecord): Promise<void>;
  listDevices(): Promise<DeviceRecord[]>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
