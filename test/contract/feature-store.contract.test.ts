import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDevice, emptyParty, payeeKey, payerKey } from '../../services/risk/src/domain/features.js';
import { memoryFeatureStore } from '../../services/risk/src/store/memory/index.js';
import { mongoFeatureStore } from '../../services/risk/src/store/mongo/index.js';
import type { DecisionRecord } from '../../services/risk/src/domain/model.js';
import { atomicReservations, type WindowClaim } from '../../services/risk/src/domain/reserve.js';
import type { FeatureStore } from '../../services/risk/src/store/ports.js';
import { workCounts } from '../../kit/src/work.js';
import { describeWithServer, dropDatabases, mongoCaps, uniqueName } from './support/infra.js';

const decision = (transactionId: string): DecisionRecord => ({
  transactionId,
  atMs: 5,
  deviceId: 'd1',
  payer: 'a',
  payee: 'b',
  amount: { minorUnits: 100, currency: 'KES' },
  requestedTier: 'HIGH',
  stage: 'payment',
  tier: 'HIGH',
  decision: 'APPROVE',
  score: 0,
  ruleIds: [],
  hits: [],
  reason: 'approved',
  rulesetId: 'r1',
});

/**
 * The FeatureStore contract, one block per role port: whole documents by key, and the seen-id set
 * consumers deduplicate with.
 */
export function describeFeatureStoreContract(
  name: string,
  open: () => Promise<FeatureStore>,
  /** Another store on the data of the one `open` made last: a second replica (the same store in memory). */
  replica: (store: FeatureStore) => Promise<FeatureStore>,
): void {
  describe(`FeatureStore contract: ${name}`, () => {
    let store: FeatureStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('StoreLifecycle', () => {
      it('answers ready', async () => {
        expect(await store.ready()).toBe(true);
      });
    });

    describe('SeenStore', () => {
      it('remembers seen event ids', async () => {
        expect(await store.seen('e1')).toBe(false);
        await store.markSeen('e1', Date.now());
        await store.markSeen('e1', Date.now());
        expect(await store.seen('e1')).toBe(true);
        expect(await store.seen('e2')).toBe(false);
      });
    });

    describe('DecisionStore', () => {
      it('is append-only: the first trail per transaction and stage stays, even under a concurrent burst', async () => {
        expect(await store.appendDecision(decision('t1'))).toEqual(decision('t1'));
        const forged = { ...decision('t1'), payer: 'forged', decision: 'DECLINE' as const };
        expect(await store.appendDecision(forged)).toEqual(decision('t1'));
        expect(await store.getDecision('t1')).toEqual(decision('t1'));
        const stepUp = { ...decision('t1'), stage: 'step-up' as const, atMs: 9 };
        expect(await store.appendDecision(stepUp)).toEqual(stepUp);
        expect(await store.getDecision('t1', 'step-up')).toEqual(stepUp);
        expect(await store.getDecision('t1')).toEqual(decision('t1'));
        const burst = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.appendDecision({ ...decision('t9'), payer: `p${i}` })),
        );
        const first = await store.getDecision('t9');
        expect(new Set(burst.map((r) => r.payer))).toEqual(new Set([first!.payer]));
      });
    });

    describe('DeviceStore, PartyStore and DecisionStore', () => {
      it('stores device, party and decision documents whole and changes them by key', async () => {
        const device = {
          ...emptyDevice('d1'),
          status: 'ATTESTED' as const,
          tier: 'HIGH',
          simChange: { atMs: 3, imei: true },
          payments: [{ id: 't1', atMs: 1, amount: 5, currency: 'KES' }],
        };
        await store.changeDevice('d1', (d) => {
          expect(d).toBeNull();
          return emptyDevice('d1');
        });
        await store.changeDevice('d1', (d) => {
          expect(d).toEqual(emptyDevice('d1'));
          return device;
        });
        await store.changeDevice('d1', () => null);
        expect(await store.getDevice('d1')).toEqual(device);
        expect(await store.getDevice('d2')).toBeNull();
        const party = { ...emptyParty(payerKey('a')), payments: [{ id: 't1', atMs: 1, amount: 5, currency: 'KES' }] };
        await store.changeParty(payerKey('a'), () => party);
        expect(await store.getParty(payerKey('a'))).toEqual(party);
        await store.changeLine('+254700000001', () => ({ msisdn: '+254700000001', deviceId: 'd1', atMs: 4 }));
        expect(await store.getLine('+254700000001')).toEqual({ msisdn: '+254700000001', deviceId: 'd1', atMs: 4 });
        expect(await store.getParty(payerKey('z'))).toBeNull();
        await store.appendDecision(decision('t1'));
        expect(await store.getDecision('t1')).toEqual(decision('t1'));
        expect(await store.getDecision('t2')).toBeNull();
      });
    });

    describe('concurrent changes', () => {
      it('loses no change when two replicas change one document at once, from its creation on', async () => {
        const twin = await replica(store);
        try {
          const key = payeeKey(`m-${Math.random()}`);
          const add = (s: FeatureStore, i: number) =>
            s.changeParty(key, (p) => {
              const doc = p ?? emptyParty(key);
              return { ...doc, payments: [...doc.payments, { id: `t${i}`, atMs: i, amount: 1, currency: 'KES' }] };
            });
          await Promise.all(Array.from({ length: 40 }, (_, i) => add(i % 2 ? twin : store, i)));
          const ids = (await store.getParty(key))!.payments.map((p) => p.id);
          expect(new Set(ids).size).toBe(40);
          expect(ids).toHaveLength(40);
        } finally {
          if (twin !== store) await twin.close();
        }
      });
    });

    describe('WindowStore', () => {
      it('reserves a bucket concurrently only up to its limits, each check-and-add in one step', async () => {
        const key = `w-${Math.random()}`;
        const taken = await Promise.all(
          Array.from({ length: 40 }, () => store.reserveWindow(key, 100, 1_000, 1_000, Date.now() + 60_000)),
        );
        expect(taken.filter((t) => t !== null)).toHaveLength(10);
        expect(await store.getWindow(key)).toEqual({ amount: 1_000, count: 10 });
        const counted = await Promise.all(
          Array.from({ length: 20 }, () => store.reserveWindow(`${key}-n`, 1, 1_000, 7, Date.now() + 60_000)),
        );
        expect(counted.filter((t) => t !== null)).toHaveLength(7);
        expect(await store.getWindow(`${key}-n`)).toEqual({ amount: 7, count: 7 });
        await store.releaseWindow(key, 100);
        expect(await store.reserveWindow(key, 100, 1_000, 1_000, Date.now() + 60_000)).toEqual({
          amount: 1_000,
          count: 10,
        });
        expect(await store.reserveWindow(key, 1, 1_000, 1_000, Date.now() + 60_000)).toBeNull();
      });
    });

    describe('ReservationStore', () => {
      it('inserts a reservation once and moves it conditionally, so only one release gives it back', async () => {
        const r = { transactionId: `t-${Math.random()}`, amount: 5, keys: ['k1'], state: 'HELD' as const, atMs: 1 };
        expect(await store.putReservation(r)).toBe(true);
        expect(await store.putReservation(r)).toBe(false);
        expect(await store.moveReservation(r.transactionId, ['HELD'], 'CONFIRMED')).toEqual(r);
        const releases = await Promise.all(
          [1, 2, 3].map(() => store.moveReservation(r.transactionId, ['HELD', 'CONFIRMED'], 'RELEASED')),
        );
        expect(releases.filter((x) => x !== null)).toEqual([{ ...r, state: 'CONFIRMED' }]);
        expect(await store.getReservation(r.transactionId)).toMatchObject({ state: 'RELEASED' });
        expect(await store.moveReservation('none', ['HELD'], 'RELEASED')).toBeNull();
      });

      it(
        'a release that comes before the hold (a late decision the payment gave up on) leaves a RELEASED ' +
          'record: the late hold gives its windows back, and other payments still take them',
        async () => {
          const id = `late-${Math.random()}`;
          const claims: WindowClaim[] = [
            { window: 'device.day', key: `w-${id}`, maxAmount: 1_000, maxCount: 10, expiresAtMs: Date.now() + 60_000 },
          ];
          const reservations = atomicReservations(store);
          await reservations.release(id, Date.now());
          await reservations.reserve(id, 400, claims, Date.now(), false);
          expect(await store.getWindow(claims[0]!.key)).toEqual({ amount: 0, count: 0 });
          await reservations.reserve(id, 400, claims, Date.now());
          await reservations.release(id, Date.now());
          expect(await store.getWindow(claims[0]!.key)).toEqual({ amount: 0, count: 0 });
          expect(await store.getReservation(id)).toMatchObject({ state: 'RELEASED' });
          expect((await reservations.reserve(`other-${id}`, 400, claims, Date.now(), false)).reserved).toBe(true);
          expect(await store.getWindow(claims[0]!.key)).toEqual({ amount: 400, count: 1 });
        },
      );

      it('a hold written between a release finding nothing and its tombstone is released all the same', async () => {
        const id = `race-${Math.random()}`;
        const claims: WindowClaim[] = [
          { window: 'device.day', key: `w-${id}`, maxAmount: 1_000, maxCount: 10, expiresAtMs: Date.now() + 60_000 },
        ];
        let raced = false;
        const racing: FeatureStore = {
          ...store,
          moveReservation: async (...a) => {
            const was = await store.moveReservation(...a);
            if (!was && !raced) {
              raced = true;
              await atomicReservations(store).reserve(id, 400, claims, Date.now(), false);
            }
            return was;
          },
        };
        await atomicReservations(racing).release(id, Date.now());
        expect(raced).toBe(true);
        expect(await store.getWindow(claims[0]!.key)).toEqual({ amount: 0, count: 0 });
        expect(await store.getReservation(id)).toMatchObject({ state: 'RELEASED', amount: 400 });
      });

      it('marks each window of a released reservation returned once, even under concurrent releases', async () => {
        const id = `m-${Math.random()}`;
        await store.putReservation({ transactionId: id, amount: 5, keys: ['k1', 'k2'], state: 'HELD', atMs: 1 });
        expect(await store.markReturned(id, 'k1')).toBe(false);
        await store.moveReservation(id, ['HELD'], 'RELEASED');
        const marks = await Promise.all(Array.from({ length: 6 }, (_, i) => store.markReturned(id, `k${(i % 2) + 1}`)));
        expect(marks.filter(Boolean)).toHaveLength(2);
        expect(await store.markReturned(id, 'k1')).toBe(false);
        expect((await store.getReservation(id))?.returned?.sort()).toEqual(['k1', 'k2']);
        expect(await store.markReturned('none', 'k1')).toBe(false);
      });

      it('a release cut off after its move (the store went away) gives back every window run again', async () => {
        const id = `half-${Math.random()}`;
        const claims: WindowClaim[] = ['device.day', 'payer.day'].map((window) => ({
          window: window as WindowClaim['window'],
          key: `w-${window}-${id}`,
          maxAmount: 1_000,
          maxCount: 10,
          expiresAtMs: Date.now() + 60_000,
        }));
        expect((await atomicReservations(store).reserve(id, 400, claims, Date.now(), false)).reserved).toBe(true);
        // The move to RELEASED lands; every write after it fails until the store is back.
        let down = false;
        const gone = () => Promise.reject(new Error('store went away'));
        const flaky: FeatureStore = {
          ...store,
          moveReservation: async (...a) => {
            const was = await store.moveReservation(...a);
            down = true;
            return was;
          },
          markReturned: (...a) => (down ? gone() : store.markReturned(...a)),
          releaseWindow: (...a) => (down ? gone() : store.releaseWindow(...a)),
        };
        await expect(atomicReservations(flaky).release(id, Date.now())).rejects.toThrow('store went away');
        await atomicReservations(store).release(id, Date.now());
        await atomicReservations(store).release(id, Date.now());
        for (const c of claims) expect(await store.getWindow(c.key)).toEqual({ amount: 0, count: 0 });
      });

      it('confirms only held reservations, the concurrent confirmations in at most one command', async () => {
        const ids = Array.from({ length: 5 }, (_, i) => `c${i}-${Math.random()}`);
        for (const id of ids)
          await store.putReservation({ transactionId: id, amount: 5, keys: ['k1'], state: 'HELD', atMs: 1 });
        await store.moveReservation(ids[0]!, ['HELD'], 'RELEASED');
        const before = workCounts().storeCommands;
        await Promise.all([...ids, 'none'].map((id) => store.confirmReservation(id)));
        expect(workCounts().storeCommands - before).toBeLessThanOrEqual(1);
        const states = await Promise.all(ids.map(async (id) => (await store.getReservation(id))?.state));
        expect(states).toEqual(['RELEASED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
        expect(await store.getReservation('none')).toBeNull();
        expect(await store.moveReservation(ids[1]!, ['HELD', 'CONFIRMED'], 'RELEASED')).toMatchObject({
          state: 'CONFIRMED',
        });
      });
    });
  });
}

describeFeatureStoreContract(
  'memory',
  async () => memoryFeatureStore(),
  async (store) => store,
);

const caps = await mongoCaps();
describeWithServer('MONGODB_URI', `mongo (mongoose) on ${caps.server}`, (uri) => {
  const dbs: string[] = [];
  afterAll(() => dropDatabases(uri, dbs));
  describeFeatureStoreContract(
    'mongo',
    async () => {
      const dbName = uniqueName('contract_risk');
      dbs.push(dbName);
      return mongoFeatureStore({ uri, dbName });
    },
    async () => mongoFeatureStore({ uri, dbName: dbs.at(-1)! }),
  );
});
