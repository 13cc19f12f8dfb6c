import { describe, expect, it } from 'vitest';
import { memoryBus, type BusEvent } from '../../../kit/src/events.js';
import { sha256b64url } from '../../../kit/src/jws.js';
import { createLogger } from '../../../kit/src/log.js';
import { DEVICE_TOPIC } from '../../../contracts/events.js';
import type { DeviceRecord } from '../../../services/attestation/src/store/ports.js';
import { busDeviceEvents } from '../../../services/attestation/src/events/device-events.js';

const device: DeviceRecord = {
  deviceId: 'dev-0123456789abcdef0123',
  imei: '358240051111110',
  model: 'KaiPhone 4G',
  serial: 'SERIAL123456',
  keyThumbprint: 'k'.repeat(43),
  revokedKeyThumbprints: [],
  accountId: 'wallet-secret-1',
  tier: 'STANDARD',
  reasons: ['PATCH_BEHIND'],
  securityLevel: 'ese',
  patchLevel: 202501,
  highestRollbackIndex: 3,
  status: 'ACTIVE',
  policyVersion: 'v1',
  firstEnrolledAtMs: 1,
  lastAttestedAtMs: 2,
};

describe('device events on dfs.device.v1', () => {
  it('publishes attested / rejected / revoked keyed by device id, without IMEI, serial or wallet', async () => {
    const bus = memoryBus();
    const got: BusEvent[] = [];
    await bus.subscribe(DEVICE_TOPIC, 'test', async (e) => {
      got.push(e);
    });
    const events = busDeviceEvents(bus, createLogger('test', 'silent'), () => 42);
    await events.attested(device, 'o'.repeat(43));
    await events.rejected({
      deviceId: device.deviceId,
      model: device.model,
      codes: ['ATTESTATION_DEVICE_ROOTED', 'ATTESTATION_PATCH_TOO_OLD'],
    });
    await events.revoked({
      deviceId: device.deviceId,
      scope: 'device',
      keyThumbprints: [device.keyThumbprint],
      reason: 'lost',
    });
    expect(got.map((e) => [e.type, e.key, e.atMs])).toEqual([
      ['device.attested', device.deviceId, 42],
      ['device.rejected', device.deviceId, 42],
      ['device.revoked', device.deviceId, 42],
    ]);
    expect(got[0]!.data).toMatchObject({
      tier: 'STANDARD',
      reasons: ['PATCH_BEHIND'],
      replacedKeyThumbprint: 'o'.repeat(43),
      imeiHash: sha256b64url(device.imei),
    });
    expect(got[1]!.data.codes).toEqual(['ATTESTATION_DEVICE_ROOTED', 'ATTESTATION_PATCH_TOO_OLD']);
    expect(new Set(got.map((e) => e.id)).size).toBe(3);
    const text = JSON.stringify(got);
    for (const secret of [device.imei, device.serial, device.accountId]) expect(text).not.toContain(secret);
  });

  it('does not fail the caller when the bus is down', async () => {
    const bus = {
      ...memoryBus(),
      publish: async () => {
        throw new Error('down');
      },
    };
    await expect(
      busDeviceEvents(bus, createLogger('test', 'silent')).rejected({ codes: ['ATTESTATION_ROOT_UNKNOWN'] }),
    ).resolves.toBeUndefined();
  });
});
