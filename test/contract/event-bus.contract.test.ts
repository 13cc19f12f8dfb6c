import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dedupe, memorySeen } from '../support/dedupe.js';
import { memoryBus, type BusEvent, type EventBus } from '../../kit/src/events.js';
import { kafkaBus } from '../../kit/src/kafka-bus.js';
import { workCounts } from '../../kit/src/work.js';
import { describeWithServer, uniqueName } from './support/infra.js';

const ev = (key: string, n: number): BusEvent => ({
  id: randomUUID(),
  type: 'test.happened',
  key,
  atMs: 1_700_000_000_000 + n,
  data: { n, nested: { ok: true } },
});

/** Collects what a handler received, for `expect.poll`. */
function collector() {
  const got: BusEvent[] = [];
  return {
    got,
    handler: async (e: BusEvent) => {
      got.push(e);
    },
  };
}

/** The EventBus contract: subscribed groups each receive every published event intact, per-key order kept. */
export function describeEventBusContract(name: string, open: (topics: string[]) => Promise<EventBus>): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let topic: string;
    beforeEach(async () => {
      topic = uniqueName('contract.bus');
      bus = await open([topic]);
    });
    afterEach(async () => {
      await bus.close();
    });

    it('answers ready', async () => {
      expect(await bus.ready()).toBe(true);
    });

    it('delivers every event, intact, to each subscribed group, keeping the order per key', async () => {
      const a = collector();
      const b = collector();
      const groups = [uniqueName('group-a'), uniqueName('group-b')];
      await bus.subscribe(topic, groups[0]!, a.handler);
      await bus.subscribe(topic, groups[1]!, b.handler);
      const events = [ev('k1', 1), ev('k2', 2), ev('k1', 3), ev('k1', 4)];
      await bus.publish(topic, events.slice(0, 2));
      await bus.publish(topic, events.slice(2));
      await bus.publish(topic, []);
      for (const c of [a, b]) {
        await expect.poll(() => c.got.length, { timeout: 20_000 }).toBe(4);
        expect([...c.got].sort((x, y) => x.atMs - y.atMs)).toEqual(events);
        expect(c.got.filter((e) => e.key === 'k1').map((e) => e.data.n)).toEqual([1, 3, 4]);
      }
      // Counted per group as handled (what `dfs load` reports as busHandledBy).
      for (const g of groups) await expect.poll(() => workCounts().busHandledBy[`${g}.${topic}`]).toBe(4);
    });

    it('with everyProcess, each subscriber of a group gets every event published once it subscribed', async () => {
      const [a, b] = [collector(), collector()];
      const group = uniqueName('group-every');
      await bus.publish(topic, [ev('k', 0)]);
      await bus.subscribe(topic, group, a.handler, { everyProcess: true });
      await bus.subscribe(topic, group, b.handler, { everyProcess: true });
      await bus.publish(topic, [ev('k1', 1), ev('k2', 2), ev('k3', 3)]);
      for (const c of [a, b])
        await expect.poll(() => c.got.map((e) => e.data.n).sort(), { timeout: 20_000 }).toEqual([1, 2, 3]);
    });

    it("gives each group every event whatever another group's handler does", async () => {
      const b = collector();
      await bus.subscribe(topic, uniqueName('group-fails'), async () => {
        throw new Error('this group cannot take events');
      });
      await bus.subscribe(topic, uniqueName('group-ok'), b.handler);
      // The memory bus reports the failure to the publisher (whose outbox publishes again); Kafka does not.
      await bus.publish(topic, [ev('k', 1), ev('k', 2)]).catch(() => undefined);
      await expect.poll(() => b.got.map((e) => e.data.n), { timeout: 20_000 }).toEqual([1, 2]);
    });

    it('applies a redelivered event once through dedupe', async () => {
      const c = collector();
      await bus.subscribe(topic, uniqueName('group-d'), dedupe(c.handler, memorySeen()));
      const e = ev('k', 1);
      await bus.publish(topic, [e]);
      await bus.publish(topic, [e, ev('k', 2)]);
      await expect.poll(() => c.got.length, { timeout: 20_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.got.map((x) => x.data.n)).toEqual([1, 2]);
    });
  });
}

describeEventBusContract('memory', async () => memoryBus());

describeWithServer('KAFKA_BROKERS', 'kafka (kafkajs)', (brokers) => {
  const open = (topics: string[]) =>
    kafkaBus({
      brokers: brokers.split(','),
      clientId: 'contract',
      topics: topics.map((name) => ({ name, partitions: 3 })),
    });
  describeEventBusContract('kafka', open);

  it("deletes an everyProcess subscription's own consumer group when the bus closes", async () => {
    const topic = uniqueName('contract.own-group');
    const group = uniqueName('group-own');
    const bus = await open([topic]);
    await bus.subscribe(topic, group, async () => {}, { everyProcess: true });
    const admin = new kafkajs.Kafka({ brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const ours = async () => (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(group)).length;
      expect(await ours()).toBe(1);
      await bus.close();
      expect(await ours()).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });

  it('skips a message without the event envelope (logged) and goes on with the next', async () => {
    const topic = uniqueName('contract.poison');
    const bus = await open([topic]);
    const producer = new kafkajs.Kafka({ brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const c = collector();
      await bus.subscribe(topic, uniqueName('group-p'), c.handler);
      const good = ev('k', 1);
      const poison = [
        'not json',
        JSON.stringify({ ...good, id: 'no-data', data: null }),
        JSON.stringify({ ...good, id: 'list-data', data: [] }),
        JSON.stringify({ id: 'no-key', type: good.type, atMs: 1, data: {} }),
      ];
      await producer.send({ topic, messages: [...poison, JSON.stringify(good)].map((value) => ({ key: 'k', value })) });
      await expect.poll(() => c.got.map((e) => e.id), { timeout: 30_000 }).toEqual([good.id]);
      expect(await bus.ready()).toBe(true);
    } finally {
      await producer.disconnect();
      await bus.close();
    }
  });

  it('redelivers an event whose handler failed, so nothing is lost (commit after success)', async () => {
    const topic = uniqueName('contract.redeliver');
    const bus = await open([topic]);
    try {
      let failures = 0;
      const c = collector();
      await bus.subscribe(topic, uniqueName('group-r'), async (e) => {
        if (e.data.n === 1 && failures++ < 2) throw new Error('handler not ready yet');
        await c.handler(e);
      });
      await bus.publish(topic, [ev('k', 1), ev('k', 2)]);
      await expect.poll(() => c.got.map((e) => e.data.n), { timeout: 30_000 }).toEqual([1, 2]);
      expect(failures).toBe(3);
    } finally {
      await bus.close();
    }
  });

  it('hands one delivery at a time by default, and several partitions at once with partitionsAtOnce', async () => {
    /** The most deliveries its handler held at once: each waits up to 300 ms for another to arrive. */
    const mostAtOnce = async (partitionsAtOnce?: number) => {
      const topic = uniqueName('contract.at-once');
      const bus = await open([topic]);
      try {
        const got: BusEvent[] = [];
        let inFlight = 0;
        let most = 0;
        const handler = async (e: BusEvent) => {
          most = Math.max(most, ++inFlight);
          const until = Date.now() + 300;
          while (inFlight < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
          got.push(e);
          inFlight--;
        };
        await bus.subscribe(topic, uniqueName('group-c'), handler, { partitionsAtOnce });
        const events = Array.from({ length: 12 }, (_, i) => ev(`k${i % 6}`, i));
        await bus.publish(topic, events);
        await expect.poll(() => got.length, { timeout: 30_000 }).toBe(12);
        for (let k = 0; k < 6; k++)
          expect(got.filter((e) => e.key === `k${k}`).map((e) => e.data.n)).toEqual([k, k + 6]);
        return most;
      } finally {
        await bus.close();
      }
    };
    expect(await mostAtOnce()).toBe(1);
    expect(await mostAtOnce(3)).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('fails start-up with BUS_UNAVAILABLE naming KAFKA_BROKERS when no broker answers', async () => {
    const client = new kafkajs.Kafka({
      brokers: ['127.0.0.1:1'],
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 1 },
    });
    const err = await kafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'contract', client, topics: [] }).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(err?.code).toBe('BUS_UNAVAILABLE');
    expect(err?.message).toContain('KAFKA_BROKERS=127.0.0.1:1');
  }, 60_000);
});
