import { copy } from './copy.js';
import { countBusHandled, countWork } from './work.js';

/** An event as it travels on the bus; consumers deduplicate by `id` (at-least-once delivery). */
export interface BusEvent {
  id: string;
  type: string;
  key: string;
  atMs: number;
  data: Record<string, unknown>;
  /** Transport headers (W3C `traceparent`); optional, so producers and consumers without them still fit. */
  headers?: Record<string, string>;
}

/**
 * How a subscription's handler is called: by default one delivery at a time; with `partitionsAtOnce`
 * up to that many at once on Kafka, each from its own partition and in order within it (the memory
 * bus delivers one at a time, in publication order, whatever the option).
 */
export interface SubscribeOptions {
  partitionsAtOnce?: number;
  /**
   * Every process that subscribes gets every event, from those published after it subscribed (a group
   * of its own), instead of the group's processes sharing them: for state each process keeps, such as
   * a cache that an event makes stale.
   */
  everyProcess?: boolean;
}

/**
 * The event-bus port: in-process by default, Kafka when configured. Shaped after what any
 * KafkaJS-compatible client offers, so the adapter can be swapped without touching services.
 */
export interface EventBus {
  publish(topic: string, events: BusEvent[]): Promise<void>;
  subscribe(
    topic: string,
    group: string,
    handler: (e: BusEvent) => Promise<void>,
    opts?: SubscribeOptions,
  ): Promise<void>;
  ready(): Promise<boolean>;
  /** Resolves once every subscription of this bus has handled what was published so far (or after `timeoutMs`). */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The embedded default bus: delivers in process, to one handler per (topic, group). */
export function memoryBus(): EventBus {
  const groups = new Map<string, Map<string, (e: BusEvent) => Promise<void>>>();
  let own = 0;
  return {
    async publish(topic, events) {
      countWork('busSends');
      countWork('busEvents', events.length);
      // A group whose handler fails gets none of the events after (they come again when the publish
      // is retried, in order); the other groups still get them all, as with Kafka's consumer groups.
      let failure: { err: unknown } | undefined;
      for (const handler of groups.get(topic)?.values() ?? []) {
        try {
          for (const e of events) await handler(copy(e));
        } catch (err) {
          failure ??= { err };
        }
      }
      if (failure) throw failure.err;
    },
    async subscribe(topic, group, handler, opts) {
      if (!groups.has(topic)) groups.set(topic, new Map());
      groups.get(topic)!.set(opts?.everyProcess ? `${group}#${++own}` : group, async (e) => {
        await handler(e);
        countBusHandled(`${group}.${topic}`);
      });
    },
    async ready() {
      return true;
    },
    async settled() {},
    async close() {
      groups.clear();
    },
  };
}
