import { describe, expect, it } from 'vitest';
import { memoryBus, type BusEvent } from '../../../kit/src/events.js';
import { createLogger } from '../../../kit/src/log.js';
import type { OutboxEvent } from '../../../services/transaction/src/domain/model.js';
import { startRelay } from '../../../services/transaction/src/events/relay.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';

const event = (id: string): OutboxEvent => ({
  id,
  topic: 'dfs.payment.v1',
  type: 'payment.posted',
  atMs: 1,
  key: 'k',
  data: { transactionId: id },
});

describe('outbox relay lease: several replicas on one store', () => {
  it('publishes each event once with two relays on one outbox; the other one takes over when it stops', async () => {
    const store = memoryLedgerStore();
    const inner = memoryBus();
    // A publish that takes a while, as over a network: two relays polling at once would both send what they read.
    const bus = {
      ...inner,
      publish: async (topic: string, events: BusEvent[]) => {
        await new Promise((r) => setTimeout(r, 20));
        await inner.publish(topic, events);
      },
    };
    const seen: string[] = [];
    await inner.subscribe('dfs.payment.v1', 'test', async (e: BusEvent) => {
      seen.push(e.id);
    });
    const log = createLogger('test', 'silent');
    const a = startRelay(store, bus, log, 5);
    const b = startRelay(store, bus, log, 5);
    try {
      for (let i = 0; i < 20; i++) {
        await store.addOutbox([event(`e${i}`)]);
        await new Promise((r) => setTimeout(r, 7));
      }
      await expect.poll(() => store.outboxBacklog(), { timeout: 3000 }).toBe(0);
      expect(seen).toHaveLength(20);
      expect(new Set(seen).size).toBe(20);
    } finally {
      await a.stop();
    }
    await store.addOutbox([event('after')]);
    await expect.poll(() => seen.includes('after'), { timeout: 5000 }).toBe(true);
    await b.stop();
  });
});

describe('outbox relay health', () => {
  it('reads unhealthy from a failed publish until a flush succeeds again', async () => {
    const store = memoryLedgerStore();
    const inner = memoryBus();
    let broken = true;
    const bus = {
      ...inner,
      publish: async (topic: string, events: BusEvent[]) => {
        if (broken) throw new Error('broker refused the batch');
        await inner.publish(topic, events);
      },
    };
    const relay = startRelay(store, bus, createLogger('test', 'silent'), 60_000);
    expect(relay.healthy()).toBe(true);
    await store.addOutbox([event('x')]);
    await relay.flush();
    expect([relay.healthy(), await store.outboxBacklog()]).toEqual([false, 1]);
    broken = false;
    await relay.flush();
    expect([relay.healthy(), await store.outboxBacklog()]).toEqual([true, 0]);
    await relay.stop();
  });
});
