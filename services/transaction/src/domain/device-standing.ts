import { boundedMap } from '../../../../kit/src/bounded-map.js';
import { DfsError } from '../../../../kit/src/errors.js';

/** A device's standing in the attestation registry. */
export interface DeviceStanding {
  status: string;
  /** Tokens issued before this instant (ms) are refused. */
  notBeforeMs: number;
}

/**
 * The revocation check every path that honours an attestation token runs (payments, step-up
 * confirmations): throws when the device is revoked, must re-attest, or the token predates its
 * last revocation. Injected at wiring; `standingGate` over `cachedStanding` in production.
 */
export type CheckDevice = (deviceId: string, tokenIssuedAtMs: number) => Promise<void>;

/** Refuses by the registry's standing: DEVICE_REVOKED, DEVICE_REATTESTATION_REQUIRED, TOKEN_REVOKED. */
export function standingGate(standing: (deviceId: string) => Promise<DeviceStanding>): CheckDevice {
  return async (deviceId, issuedAtMs) => {
    const s = await standing(deviceId);
    if (s.status === 'REVOKED') throw new DfsError('DEVICE_REVOKED');
    if (s.status === 'REATTEST') throw new DfsError('DEVICE_REATTESTATION_REQUIRED');
    if (s.status !== 'ACTIVE' || issuedAtMs < s.notBeforeMs) throw new DfsError('TOKEN_REVOKED');
  };
}

/**
 * The registry's standing of devices, remembered for at most `maxAgeMs` (the staleness bound: a
 * revocation is honoured by the next authorization at most `maxAgeMs` after it, even when no event
 * arrives), and forgotten at once when a device event for the device arrives (then the bound is the
 * event's delivery time); an answer to a question asked before the event is not remembered. `fresh`
 * asks the registry whatever is remembered (a step-up confirmation). A registry that does not answer
 * fails closed (DEVICE_STATUS_UNAVAILABLE).
 */
export function cachedStanding(
  fetch: (deviceId: string) => Promise<DeviceStanding>,
  opts: { maxAgeMs: number; now: () => number; max?: number },
) {
  const known = boundedMap<string, { standing: DeviceStanding; atMs: number }>(opts.max ?? 100_000);
  const asking = new Map<string, Promise<DeviceStanding>>();
  const ask = (deviceId: string) => {
    const atMs = opts.now();
    const p: Promise<DeviceStanding> = fetch(deviceId)
      .then(
        (standing) => {
          if (asking.get(deviceId) === p) known.set(deviceId, { standing, atMs });
          return standing;
        },
        (err: unknown) => {
          throw new DfsError('DEVICE_STATUS_UNAVAILABLE', undefined, { cause: err });
        },
      )
      .finally(() => {
        if (asking.get(deviceId) === p) asking.delete(deviceId);
      });
    asking.set(deviceId, p);
    return p;
  };
  return {
    /** The device's standing: remembered if younger than maxAgeMs, else asked once for every concurrent caller. */
    standing(deviceId: string): Promise<DeviceStanding> {
      const hit = known.get(deviceId);
      if (hit && opts.now() - hit.atMs < opts.maxAgeMs) return Promise.resolve(hit.standing);
      return asking.get(deviceId) ?? ask(deviceId);
    },
    /** The device's standing as the registry answers it now, never a remembered or shared earlier answer. */
    fresh: (deviceId: string): Promise<DeviceStanding> => ask(deviceId),
    /** Forgets a device's standing (a device event arrived): the next check asks the registry. */
    forget(deviceId: string): void {
      known.set(deviceId, { standing: { status: 'STALE', notBeforeMs: 0 }, atMs: -Infinity });
      asking.delete(deviceId);
    },
  };
}
