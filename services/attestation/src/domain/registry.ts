import { createHash } from 'node:crypto';
import type { AttestationRecord } from '../../../../kit/src/attestation-record.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { mask } from '../../../../kit/src/log.js';
import type { AttestationStore, DeviceRecord } from '../store/ports.js';
import { oldestPatch, type Tier } from './posture.js';

/** The form of every registry id (deviceIdOf). */
export const DEVICE_ID = /^dev-[0-9a-f]{20}$/;

/** The registry id of a device: derived from its IMEI so that one IMEI is one device. */
export function deviceIdOf(imei: string): string {
  return `dev-${createHash('sha256').update(`imei:${imei}`).digest('hex').slice(0, 20)}`;
}

/**
 * The rollback floor after an attestation: it only rises, and only on a rollback index an eSE signed. At
 * software level the index is whatever the firmware writes, signed by the attestation key every eSE-less
 * phone shares, so believing it would let anyone lock a phone out (ATTESTATION_ROLLBACK) for good.
 */
function rollbackFloor(prior: DeviceRecord | null, record: AttestationRecord, level: 'ese' | 'software'): number {
  const floor = prior?.highestRollbackIndex ?? 0;
  return level === 'ese' ? Math.max(floor, record.rollbackIndex) : floor;
}

/**
 * The registry entry after a successful attestation. The same IMEI with another key replaces the
 * key and revokes the old one (policy `onKeyChange: revoke-old`), and the tokens issued before the
 * replacement stop (notBeforeMs); the rollback floor only rises (rollbackFloor).
 */
export function attestedDevice(
  prior: DeviceRecord | null,
  a: {
    record: AttestationRecord;
    keyThumbprint: string;
    accountId: string;
    tier: Tier;
    reasons: string[];
    securityLevel: 'ese' | 'software';
    attestationSerials: string[];
    policyVersion: string;
    now: number;
  },
): { device: DeviceRecord; replacedKey?: string } {
  const replacedKey = prior && prior.keyThumbprint !== a.keyThumbprint ? prior.keyThumbprint : undefined;
  const device: DeviceRecord = {
    deviceId: deviceIdOf(a.record.device.imei),
    imei: a.record.device.imei,
    model: a.record.device.model,
    serial: a.record.device.serial,
    keyThumbprint: a.keyThumbprint,
    revokedKeyThumbprints: [...(prior?.revokedKeyThumbprints ?? []), ...(replacedKey ? [replacedKey] : [])],
    accountId: a.accountId,
    tier: a.tier,
    reasons: a.reasons,
    securityLevel: a.securityLevel,
    patchLevel: oldestPatch(a.record),
    highestRollbackIndex: rollbackFloor(prior, a.record, a.securityLevel),
    lastRollbackIndex: a.record.rollbackIndex,
    status: 'ACTIVE',
    ...(prior?.reinstatement ? { reinstatement: prior.reinstatement } : {}),
    notBeforeMs: replacedKey ? Math.max(prior?.notBeforeMs ?? 0, a.now) : (prior?.notBeforeMs ?? 0),
    attestationSerials: a.attestationSerials,
    policyVersion: a.policyVersion,
    firstEnrolledAtMs: prior?.firstEnrolledAtMs ?? a.now,
    lastAttestedAtMs: a.now,
  };
  return replacedKey ? { device, replacedKey } : { device };
}

/** Operator revocation: the device is refused from now on (ATTESTATION_DEVICE_REVOKED). */
export function revokedDevice(prior: DeviceRecord | null, reason: string, now: number): DeviceRecord {
  if (!prior) throw new DfsError('ATTESTATION_DEVICE_NOT_FOUND');
  return { ...prior, status: 'REVOKED', revocation: { atMs: now, reason }, notBeforeMs: now };
}

/** Batch revocation: the device must attest again under a valid chain; its tokens stop now. */
export function reattestDevice(prior: DeviceRecord, reason: string, now: number): DeviceRecord {
  return {
    ...prior,
    status: prior.status === 'REVOKED' ? 'REVOKED' : 'REATTEST',
    revocation: prior.revocation ?? { atMs: now, reason },
    notBeforeMs: now,
  };
}

/**
 * Operator reinstatement (re-verification): a revoked device may enroll again. Its old tokens stay
 * refused (notBeforeMs is kept), so it pays again only after a fresh enrollment.
 */
export function reinstatedDevice(prior: DeviceRecord | null, reason: string, now: number): DeviceRecord {
  if (!prior) throw new DfsError('ATTESTATION_DEVICE_NOT_FOUND');
  const { revocation: _revocation, ...rest } = prior;
  return {
    ...rest,
    status: 'ACTIVE',
    reinstatement: { atMs: now, reason },
    notBeforeMs: Math.max(prior.notBeforeMs ?? 0, now),
  };
}

/** A device as operators see it: posture and last attestation, identifiers masked. */
export function operatorView(d: DeviceRecord) {
  return {
    deviceId: d.deviceId,
    imei: mask(d.imei),
    model: d.model,
    serial: mask(d.serial),
    status: d.status,
    tier: d.tier,
    reasons: d.reasons,
    securityLevel: d.securityLevel,
    patchLevel: d.patchLevel,
    highestRollbackIndex: d.highestRollbackIndex,
    keyThumbprint: d.keyThumbprint,
    revokedKeys: d.revokedKeyThumbprints.length,
    policyVersion: d.policyVersion,
    firstEnrolledAtMs: d.firstEnrolledAtMs,
    lastAttestedAtMs: d.lastAttestedAtMs,
    ...(d.revocation ? { revocation: d.revocation } : {}),
    ...(d.reinstatement ? { reinstatement: d.reinstatement } : {}),
  };
}

/** A device's standing for the transaction service: status and not-before time (UNKNOWN when not registered). */
export async function deviceStanding(
  store: Pick<AttestationStore, 'getDevice'>,
  deviceId: string,
): Promise<{ status: DeviceRecord['status'] | 'UNKNOWN'; notBeforeMs: number }> {
  const d = await store.getDevice(deviceId);
  return { status: d?.status ?? 'UNKNOWN', notBeforeMs: d?.notBeforeMs ?? 0 };
}

/**
 * Reads one device, lets `change` decide what it becomes, and writes that back only if no other
 * write came between (the store's compare-and-set), reading again otherwise: an operator revocation
 * racing an enrollment is never overwritten by it. `change` may return null to write nothing.
 */
export async function updateDevice<T extends { device: DeviceRecord }>(
  store: Pick<AttestationStore, 'getDevice' | 'putDevice'>,
  deviceId: string,
  change: (prior: DeviceRecord | null) => T | null | Promise<T | null>,
): Promise<T | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const prior = await store.getDevice(deviceId);
    const next = await change(prior);
    if (!next || (await store.putDevice(next.device, prior))) return next;
  }
  throw new DfsError('DEVICE_UPDATE_CONFLICT', deviceId);
}
