import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredChallenge } from '../../services/attestation/src/domain/challenges.js';
import { memoryAttestationStore } from '../../services/attestation/src/store/memory.js';
import { mongoAttestationStore } from '../../services/attestation/src/store/mongo.js';
import type { AttestationStore, DeviceRecord } from '../../services/attestation/src/store/ports.js';
import { describeWithServer, dropDatabases, mongoCaps, uniqueName } from './support/infra.js';

const challenge = (id: string, expiresAtMs = Date.now() + 60_000): StoredChallenge => ({
  id,
  nonce: `nonce-${id}`,
  purpose: 'enroll',
  binding: 'bootstrap:phone-1',
  expiresAtMs,
  used: false,
});

const device = (deviceId: string, over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  deviceId,
  imei: '356938035643809',
  model: 'KaiOS-1',
  serial: 'S1',
  keyThumbprint: 'jkt-1',
  revokedKeyThumbprints: [],
  accountId: 'wallet-1',
  tier: 'HIGH',
  reasons: [],
  securityLevel: 'ese',
  patchLevel: 202501,
  highestRollbackIndex: 3,
  status: 'ACTIVE',
  policyVersion: 'p1',
  firstEnrolledAtMs: 1,
  lastAttestedAtMs: 2,
  ...over,
});

/** The AttestationStore contract: single-use challenges and the device registry, for every adapter. */
export function describeAttestationStoreContract(name: string, open: () => Promise<AttestationStore>): void {
  describe(`AttestationStore contract: ${name}`, () => {
    let store: AttestationStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers ready', async () => {
      expect(await store.ready()).toBe(true);
    });

    it('consumes a challenge once: the first use sees it unused, every later one sees it used', async () => {
      const c = challenge('c1');
      await store.putChallenge(c);
      expect(await store.consumeChallenge('c1')).toEqual(c);
      expect(await store.consumeChallenge('c1')).toEqual({ ...c, used: true });
      expect(await store.consumeChallenge('unknown')).toBeNull();
    });

    it('lets exactly one of many concurrent consumers have a challenge', async () => {
      await store.putChallenge(challenge('c2'));
      const priors = await Promise.all(Array.from({ length: 12 }, () => store.consumeChallenge('c2')));
      expect(priors.filter((p) => p && !p.used)).toHaveLength(1);
    });

    it('returns an expired challenge as stored, so the domain can say EXPIRED', async () => {
      const c = challenge('c3', Date.now() - 1000);
      await store.putChallenge(c);
      expect(await store.consumeChallenge('c3')).toEqual(c);
    });

    it('stores devices whole and replaces one only as the version it was read at (compare-and-set)', async () => {
      expect(await store.putDevice(device('d1'), null)).toBe(true);
      expect(await store.putDevice(device('d1'), null)).toBe(false);
      const first = (await store.getDevice('d1'))!;
      expect(first).toEqual({ ...device('d1'), version: 1 });
      const d = device('d1', { revocation: { atMs: 5, reason: 'lost' }, status: 'REVOKED' });
      expect(await store.putDevice(d, first)).toBe(true);
      expect(await store.putDevice(device('d1'), first)).toBe(false);
      expect(await store.putDevice(device('d2'), null)).toBe(true);
      expect(await store.getDevice('d1')).toEqual({ ...d, version: 2 });
      expect(await store.getDevice('nope')).toBeNull();
      expect((await store.listDevices()).map((x) => x.deviceId).sort()).toEqual(['d1', 'd2']);
    });

    it(
      'lets exactly one of many concurrent writers of ' + 'one read version through, and one of many creators',
      async () => {
        expect(await store.putDevice(device('r1'), null)).toBe(true);
        const read = (await store.getDevice('r1'))!;
        const writes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.putDevice(device('r1', { tier: `T${i}` }), read)),
        );
        expect(writes.filter(Boolean)).toHaveLength(1);
        const winner = writes.indexOf(true);
        expect(await store.getDevice('r1')).toEqual({ ...device('r1', { tier: `T${winner}` }), version: 2 });
        const creates = await Promise.all(Array.from({ length: 20 }, () => store.putDevice(device('r2'), null)));
        expect(creates.filter(Boolean)).toHaveLength(1);
      },
    );

    it('finds the devices last attested under given issuer serials (batch revocation), and only those', async () => {
      await store.putDevice(device('b1', { attestationSerials: ['aa01', 'ca01'] }), null);
      await store.putDevice(device('b2', { attestationSerials: ['aa02', 'ca01'] }), null);
      await store.putDevice(device('b3'), null);
      expect((await store.devicesAttestedUnder(['aa01'])).map((x) => x.deviceId)).toEqual(['b1']);
      expect((await store.devicesAttestedUnder(['ca01', 'ffff'])).map((x) => x.deviceId).sort()).toEqual(['b1', 'b2']);
      expect(await store.devicesAttestedUnder(['ffff'])).toEqual([]);
      const b1 = await store.getDevice('b1');
      await store.putDevice(device('b1', { attestationSerials: ['aa09', 'ca02'] }), b1);
      expect((await store.devicesAttestedUnder(['aa01'])).map((x) => x.deviceId)).toEqual([]);
    });

    it('keeps the newest status list stored: neither an older one nor ten at once move it back', async () => {
      const list = (issuedAtMs: number) => ({
        issuedAtMs,
        entries: { [`aa${issuedAtMs}`]: { status: 'REVOKED' as const } },
      });
      expect(await store.getStatusList()).toBeNull();
      await Promise.all([15, 11, 19, 10, 17, 12, 18, 13, 16, 14].map((at) => store.putStatusList(list(at))));
      expect(await store.getStatusList()).toEqual(list(19));
      await store.putStatusList(list(20));
      await store.putStatusList(list(10));
      await store.putStatusList(list(20));
      expect(await store.getStatusList()).toEqual(list(20));
      await Promise.all([35, 31, 39, 30, 37, 32, 38, 33, 36, 34].map((at) => store.putStatusList(list(at))));
      expect(await store.getStatusList()).toEqual(list(39));
    });
  });
}

describeAttestationStoreContract('memory', async () => memoryAttestationStore());

const caps = await mongoCaps();
describeWithServer('MONGODB_URI', `mongo (mongoose) on ${caps.server}`, (uri) => {
  const dbs: string[] = [];
  afterAll(() => dropDatabases(uri, dbs));
  const open = (extra: { retainExpiredMs?: number; sweepEveryMs?: number } = {}) => {
    const dbName = uniqueName('contract_attestation');
    dbs.push(dbName);
    return mongoAttestationStore({ uri, dbName, ...extra });
  };
  describeAttestationStoreContract('mongo', () => open());

  it('sweeps expired challenges in code (FerretDB has no TTL indexes)', async () => {
    const store = await open({ retainExpiredMs: 0, sweepEveryMs: 50 });
    try {
      await store.putChallenge(challenge('old', Date.now() - 10));
      await store.putChallenge(challenge('fresh'));
      await expect.poll(() => store.consumeChallenge('old'), { timeout: 5000 }).toBeNull();
      expect((await store.consumeChallenge('fresh'))?.used).toBe(false);
    } finally {
      await store.close();
    }
  });
});
