import { copy } from '../../../../kit/src/copy.js';
import type { StoredChallenge } from '../domain/challenges.js';
import type { StatusList } from '../domain/status-list.js';
import type { AttestationStore, DeviceRecord } from './ports.js';

/** The embedded default store: process memory, nothing to install. */
export function memoryAttestationStore(): AttestationStore {
  const challenges = new Map<string, StoredChallenge>();
  const devices = new Map<string, DeviceRecord>();
  let statusList: StatusList | null = null;
  return {
    async putChallenge(c) {
      challenges.set(c.id, { ...c });
    },
    async consumeChallenge(id) {
      const c = challenges.get(id);
      if (!c) return null;
      const prior = { ...c };
      c.used = true;
      return prior;
    },
    async getDevice(id) {
      const d = devices.get(id);
      return d ? copy(d) : null;
    },
    async putDevice(d, prior) {
      const current = devices.get(d.deviceId);
      if (prior ? current?.version !== prior.version : current) return false;
      devices.set(d.deviceId, { ...copy(d), version: (prior?.version ?? 0) + 1 });
      return true;
    },
    async listDevices() {
      return [...devices.values()].map((d) => copy(d));
    },
    async devicesAttestedUnder(serials) {
      return [...devices.values()]
        .filter((d) => d.attestationSerials?.some((s) => serials.includes(s)))
        .map((d) => copy(d));
    },
    async getStatusList() {
      return statusList ? copy(statusList) : null;
    },
    async putStatusList(list) {
      if (!statusList || statusList.issuedAtMs < list.issuedAtMs) statusList = copy(list);
    },
    async ready() {
      return true;
    },
    async close() {},
  };
}
