import type { StoredChallenge } from '../domain/challenges.js';

/** A device as the registry knows it: identity, current attested key, posture and status. */
export interface DeviceRecord {
  deviceId: string;
  imei: string;
  model: string;
  serial: string;
  keyThumbprint: string;
  /** Keys this device enrolled before and that were revoked when replaced (RFC 7638 thumbprints). */
  revokedKeyThumbprints: string[];
  accountId: string;
  tier: string;
  reasons: string[];
  securityLevel: 'ese' | 'software';
  /** The oldest of the OS, vendor and boot patch levels last attested (YYYYMM). */
  patchLevel: number;
  highestRollbackIndex: number;
  /** REATTEST: its attestation batch was revoked; a fresh attestation under a valid chain restores it. */
  status: 'ACTIVE' | 'REVOKED' | 'REATTEST';
  revocation?: { atMs: number; reason: string };
  /** The last operator reinstatement (re-verification) of the device. */
  reinstatement?: { atMs: number; reason: string };
  /** Tokens issued before this instant are refused: set by every revocation (ms; 0 when never revoked). */
  notBeforeMs?: number;
  /** Serial numbers (lower-case hex) of the issuers in the last attestation chain: its batch and CAs. */
  attestationSerials?: string[];
  policyVersion: string;
  firstEnrolledAtMs: number;
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
  /** Devices whose last attestation chain ran through any of these issuer serials (batch revocation). */
  devicesAttestedUnder(serials: string[]): Promise<DeviceRecord[]>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
