import { compactVerify } from 'jose';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { EC_P256, type x509 } from '../../../../kit/src/x509.js';
import type { AttestationStore } from '../store/ports.js';
import type { DeviceEvents } from './events.js';
import { reattestDevice } from './registry.js';

/** The JWS `typ` of the attestation status list the OEM signs with its attestation root key. */
export const STATUS_LIST_TYP = 'dfs-attestation-status+jws';

/**
 * The attestation status list, shaped like the one Google publishes for leaked Android attestation
 * keys: lower-case hex certificate serials (attested leaves or whole batch CAs) with their status.
 */
export const StatusListBody = z
  .object({
    issuedAtMs: z.number().int().nonnegative(),
    entries: z.record(
      z.string().regex(/^[0-9a-f]{1,40}$/),
      z.object({ status: z.enum(['REVOKED', 'SUSPENDED']), reason: z.string().max(64).optional() }).strict(),
    ),
  })
  .strict();
export type StatusList = z.infer<typeof StatusListBody>;

/** The list in force when none was published: nothing revoked. */
export const EMPTY_STATUS_LIST: StatusList = { issuedAtMs: 0, entries: {} };

/** Where the attestation service gets the status list from (injected; the signed file in production). */
export type StatusListSource = () => Promise<StatusList>;

/** Verifies a status list signed by one of the pinned OEM roots; ATTESTATION_STATUS_LIST_INVALID otherwise. */
export async function verifyStatusList(jws: string, roots: x509.X509Certificate[]): Promise<StatusList> {
  for (const root of roots) {
    try {
      const { payload, protectedHeader } = await compactVerify(
        jws.trim(),
        await root.publicKey.export(EC_P256, ['verify']),
        { algorithms: ['ES256'] },
      );
      if (protectedHeader.typ !== STATUS_LIST_TYP) throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'typ');
      const body = StatusListBody.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)));
      if (!body.success) throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'body');
      return body.data;
    } catch (err) {
      if (err instanceof DfsError) throw err;
    }
  }
  throw new DfsError('ATTESTATION_STATUS_LIST_INVALID', 'not signed by a pinned OEM root');
}

/** Serials the list revokes (REVOKED or SUSPENDED both refuse). */
export const revokedSerialsOf = (list: StatusList): string[] => Object.keys(list.entries);

/**
 * Applies a newly loaded list to the enrolled devices: every ACTIVE device whose last attestation
 * chain ran through a revoked issuer (its batch CA) must re-attest (status REATTEST, tokens refused
 * from now on), announced as `device.revoked` with reason ATTESTATION_BATCH_REVOKED.
 */
export async function dropToReattestation(
  list: StatusList,
  deps: { store: AttestationStore; events: DeviceEvents; now: () => number },
): Promise<string[]> {
  const serials = revokedSerialsOf(list);
  if (!serials.length) return [];
  const dropped: string[] = [];
  for (const device of await deps.store.devicesAttestedUnder(serials)) {
    if (device.status !== 'ACTIVE') continue;
    const next = reattestDevice(device, 'ATTESTATION_BATCH_REVOKED', deps.now());
    await deps.store.putDevice(next);
    await deps.events.revoked({
      deviceId: device.deviceId,
      scope: 'device',
      keyThumbprints: [device.keyThumbprint],
      reason: 'ATTESTATION_BATCH_REVOKED',
    });
    dropped.push(device.deviceId);
  }
  return dropped;
}
