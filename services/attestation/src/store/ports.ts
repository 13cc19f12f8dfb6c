import type { StoredChallenge } from '../domain/challenges.js';
import type { StatusList } from '../domain/status-list.js';

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
  /** The rollback floor (ATTESTATION_ROLLBACK): the highest rollback index an eSE attested for this device. */
  highestRollbackIndex: number;
  /** The rollback index of the last attestation, at whatever security level (the update state). */
  lastRollbackIndex?: number;
  /** REATTEST: its attestation batch was revoked; a fresh attestation under a valid chain restores it. */
  status: 'ACTIVE' | 'REVOKED' | 'REATTEST';
  revocation?: { atMs: number; reason: string };
  /** The last operator reinstatement (re-verification) of the device. */
  reinstatement?: { atMs: number; reason: string };
  /** Tokens issued before this instant are refused: set by every revocation and key replacement (ms; 0 if none). */
  notBeforeMs?: number;
  /** Serial numbers (lower-case hex) of the issuers in the last attestation chain: its batch and CAs. */
  attestationSerials?: string[];
  policyVersion: string;
  firstEnrolledAtMs: number;
  lastAttestedAtMs: number;
  /** Set by the store on every write (1, 2, ...): a write names the version it read. */
  version?: number;
}

/** Storage the attestation service needs; in-memory by default, MongoDB when configured. */
export interface AttestationStore {
  putChallenge(c: StoredChallenge): Promise<void>;
  /** Atomically marks a challenge used and returns it as it was before (null when unknown). */
  consumeChallenge(id: string): Promise<StoredChallenge | null>;
  getDevice(deviceId: string): Promise<DeviceRecord | null>;
  /**
   * Writes `d` only if the stored device is still the one read as `prior` (same version; none when
   * `prior` is null), in one conditional step; false when another write came first.
   */
  putDevice(d: DeviceRecord, prior: DeviceRecord | null): Promise<boolean>;
  listDevices(): Promise<DeviceRecord[]>;
  /** Devices whose last attestation chain ran through any of these issuer serials (batch revocation). */
  devicesAttestedUnder(serials: string[]): Promise<DeviceRecord[]>;
  /** The newest status list any replica loaded (null before the first). */
  getStatusList(): Promise<StatusList | null>;
  /** Stores `list` unless one issued at the same time or later is stored: the stored list only moves forward. */
  putStatusList(list: StatusList): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
