import { ATTESTATION_STATUS_LIST, AttestationStatusList } from '../../../../contracts/attestation-status.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { verifyJws } from '../../../../kit/src/jws.js';
import type { Logger } from '../../../../kit/src/log.js';
import { EC_P256, type x509 } from '../../../../kit/src/x509.js';
import type { AttestationStore } from '../store/ports.js';
import type { TrustAnchors } from './chain.js';
import type { DeviceEvents } from './events.js';
import { reattestDevice, updateDevice } from './registry.js';

/** The status list in force (contracts/attestation-status.ts). */
export type StatusList = AttestationStatusList;

/** The list in force when none was published: nothing revoked. */
export const EMPTY_STATUS_LIST: StatusList = { issuedAtMs: 0, entries: {} };

/** Where the attestation service gets the status list from (injected; the signed file in production). */
export type StatusListSource = () => Promise<StatusList>;

/**
 * Verifies a status list signed by one of the pinned OEM roots, under its contract's `typ`;
 * ATTESTATION_STATUS_LIST_INVALID otherwise (a wrong `typ` or body under a genuine root signature too).
 */
export async function verifyStatusList(jws: string, roots: x509.X509Certificate[]): Promise<StatusList> {
  for (const root of roots) {
    let payload: unknown;
    try {
      const key = await root.publicKey.export(EC_P256, ['verify']);
      ({ payload } = await verifyJws(jws.trim(), key, ATTESTATION_STATUS_LIST));
    } catch (err) {
      if (err instanceof DfsError) throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'typ', { cause: err });
      continue;
    }
    const body = AttestationStatusList.safeParse(payload);
    if (!body.success) throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'body');
    return body.data;
  }
  throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'not signed by a pinned OEM root');
}

/** Serials the list revokes (REVOKED or SUSPENDED both refuse). */
export const revokedSerialsOf = (list: StatusList): string[] => Object.keys(list.entries);

/**
 * Drops one ACTIVE device to re-attestation (status REATTEST, tokens refused from now on), announced as
 * `device.revoked` with reason ATTESTATION_BATCH_REVOKED; with `attestedUnder`, only if its last chain
 * ran through one of those issuer serials. True when it did.
 */
export async function dropToReattest(
  deviceId: string,
  deps: { store: AttestationStore; events: DeviceEvents; now: () => number },
  attestedUnder?: readonly string[],
): Promise<boolean> {
  const changed = await updateDevice(deps.store, deviceId, (d) =>
    d?.status === 'ACTIVE' && (!attestedUnder || d.attestationSerials?.some((s) => attestedUnder.includes(s)))
      ? { device: reattestDevice(d, 'ATTESTATION_BATCH_REVOKED', deps.now()) }
      : null,
  );
  if (!changed) return false;
  const { device } = changed;
  await deps.events.revoked({
    deviceId: device.deviceId,
    scope: 'device',
    keyThumbprints: [device.keyThumbprint],
    reason: 'ATTESTATION_BATCH_REVOKED',
  });
  return true;
}

/** Applies a newly loaded list to the enrolled devices: every one attested under a revoked issuer must re-attest. */
export async function dropToReattestation(
  list: StatusList,
  deps: { store: AttestationStore; events: DeviceEvents; now: () => number },
): Promise<string[]> {
  const serials = revokedSerialsOf(list);
  if (!serials.length) return [];
  const dropped: string[] = [];
  for (const listed of await deps.store.devicesAttestedUnder(serials))
    if (await dropToReattest(listed.deviceId, deps, serials)) dropped.push(listed.deviceId);
  return dropped;
}

/** What results from loading a status list: when it was issued, what it revokes, the devices it dropped. */
export interface StatusLoad {
  issuedAtMs: number;
  revokedSerials: number;
  devicesToReattest: string[];
}

/**
 * The status list one replica enrolls under, following the store (docs/ATTESTATION.md, "Replicas"):
 * `follow` adopts into `anchors` the newest list any replica stored and answers when the list in force
 * was issued; `load` reads `source` (refusing one older than the list in force; at start-up, one older
 * than the stored list is logged and the stored one followed), stores it for every replica, and drops
 * the devices attested under what it revokes to re-attestation.
 */
export function statusInForce(deps: {
  store: AttestationStore;
  events: DeviceEvents;
  now: () => number;
  source: StatusListSource;
  anchors: TrustAnchors;
  /** Serials the policy file revokes, in force whatever the list. */
  policySerials: readonly string[];
  log: Logger;
}) {
  let inForce = EMPTY_STATUS_LIST;
  // Never back to an older list: a load racing a newer list stored by another replica keeps the newer.
  const adopt = (list: StatusList) => {
    if (list.issuedAtMs < inForce.issuedAtMs) return;
    deps.anchors.revokedSerials = new Set([...deps.policySerials, ...revokedSerialsOf(list)]);
    inForce = list;
  };
  const follow = async () => {
    const stored = await deps.store.getStatusList();
    if (stored && stored.issuedAtMs > inForce.issuedAtMs) adopt(stored);
    return inForce.issuedAtMs;
  };
  const load = async (atStart: boolean): Promise<StatusLoad> => {
    const list = await deps.source();
    await follow();
    if (list.issuedAtMs < inForce.issuedAtMs) {
      if (!atStart) throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'older than the list in force');
      deps.log.warn(
        { fileIssuedAtMs: list.issuedAtMs, storedIssuedAtMs: inForce.issuedAtMs },
        'attestation status list file older than the stored one: following the stored list',
      );
      return {
        issuedAtMs: inForce.issuedAtMs,
        revokedSerials: revokedSerialsOf(inForce).length,
        devicesToReattest: [],
      };
    }
    await deps.store.putStatusList(list);
    adopt(list);
    const dropped = await dropToReattestation(list, deps);
    deps.log.info(
      { issuedAtMs: list.issuedAtMs, revoked: revokedSerialsOf(list).length, reattest: dropped.length },
      'attestation status list loaded',
    );
    return { issuedAtMs: list.issuedAtMs, revokedSerials: revokedSerialsOf(list).length, devicesToReattest: dropped };
  };
  return { follow, load };
}
