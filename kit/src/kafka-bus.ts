import { randomUUID } from 'node:crypto';
import { TOPICS } from '../../contracts/events.js';
import kafkajs, { type Admin, type Consumer, type Kafka, type LogEntry } from 'kafkajs';
import { DfsError } from './errors.js';
import { memoryBus, type BusEvent, type EventBus } from './events.js';
import type { Logger } from './log.js';
import { countBusHandled, countWork } from './work.js';

const { Kafka: KafkaClient, Partitioners, logLevel } = kafkajs;

/** A topic the bus creates at start-up when missing. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/** The stack's topics: device and payment events, keyed by device or payer so each key stays ordered. */
export const DFS_TOPICS: readonly TopicSpec[] = TOPICS.map((name) => ({ name, partitions: 3 }));

/** What the adapter needs of a client: KafkaJS's shape, so a KafkaJS-compatible client can stand in. */
export type KafkaLike = Pick<Kafka, 'admin' | 'producer' | 'consumer'>;

export interface KafkaBusOptions {
  /** Bootstrap brokers, from KAFKA_BROKERS. */
  brokers: readonly string[];
  clientId: string;
  topics?: readonly TopicSpec[];
  /** Replication of created topics; defaults to min(3, brokers in the cluster). */
  replicationFactor?: number;
  log?: Logger;
  /** Another KafkaJS-compatible client; by default one is built from `brokers`. */
  client?: KafkaLike;
  /** Prefixes every topic and group (`<namespace>.dfs.payment.v1`), so several stacks can share a cluster. */
  namespace?: string;
}

/**
 * Offsets are committed for events whose handler returned, every 100 ms or 100 events, not one
 * commit request per event: a crash replays at most that much, which handlers deduplicate anyway.
 */
const COMMIT_EVERY_MS = 100;
const COMMIT_EVERY_EVENTS = 100;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function pinoLogCreator(log: Logger | undefined) {
  return () =>
    ({ namespace, level, log: { message, ...extra } }: LogEntry) => {
      if (!log) return;
      if (level <= logLevel.WARN) log.warn({ kafka: namespace, ...extra }, message);
      else log.debug({ kafka: namespace, ...extra }, message);
    };
}

async function ensureTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  replicationFactor: number | undefined,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;
  const rf = replicationFactor ?? Math.min(3, (await admin.describeCluster()).brokers.length);
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: rf })),
    });
  } catch (err) {
    const errors = (err as { errors?: { type?: string }[] }).errors;
    if (!errors?.length || !errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) throw err;
  }
}

/** Kafka message headers that travel into `BusEvent.headers` (the W3C trace context). */
const CARRIED = ['traceparent', 'tracestate'];

function decode(value: Buffer | null, headers: Record<string, unknown> = {}): BusEvent | null {
  try {
    const e = JSON.parse(value?.toString('utf8') ?? '') as BusEvent;
    // The envelope every handler relies on; anything else is skipped here, never retried forever there.
    const envelope =
      typeof e?.id === 'string' &&
      typeof e.type === 'string' &&
      typeof e.key === 'string' &&
      typeof e.atMs === 'number' &&
      typeof e.data === 'object' &&
      e.data !== null &&
      !Array.isArray(e.data);
    if (!envelope) return null;
    const carried = Object.fromEntries(
      CARRIED.flatMap((k) => (headers[k] === undefined ? [] : [[k, String(headers[k])]])),
    );
    return Object.keys(carried).length ? { ...e, headers: carried } : e;
  } catch {
    return null;
  }
}

/**
 * The EventBus on Kafka: topics created at start-up, an idempotent producer (acks all, one
 * request in flight), one consumer group per (service group, topic) that commits an offset only
 * after its handler succeeded, in batches (at-least-once: handlers deduplicate by event id, e.g. risk's
 * seen ids, the callbacks' one delivery per event id).
 */
export async function kafkaBus(opts: KafkaBusOptions): Promise<EventBus> {
  const where = `KAFKA_BROKERS=${opts.brokers.join(',')}`;
  const ns = (name: string) => (opts.namespace ? `${opts.namespace}.${name}` : name);
  const client =
    opts.client ??
    new KafkaClient({
      clientId: opts.clientId,
      brokers: [...opts.brokers],
      logLevel: logLevel.WARN,
      logCreator: pinoLogCreator(opts.log),
      connectionTimeout: 3000,
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
    });
  const admin = client.admin();
  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await admin.connect();
    await ensureTopics(
      admin,
      (opts.topics ?? DFS_TOPICS).map((t) => ({ ...t, name: ns(t.name) })),
      opts.replicationFactor,
    );
    await producer.connect();
  } catch (err) {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    throw new DfsError('BUS_UNAVAILABLE', `cannot use Kafka at ${where}: ${messageOf(err)}`, { cause: err });
  }
  const consumers: Consumer[] = [];
  const subscriptions: { groupId: string; topic: string }[] = [];
  /** The groups of `everyProcess` subscriptions: this process's alone, deleted when it closes. */
  const ownGroups: string[] = [];
  const behind = async ({ groupId, topic }: { groupId: string; topic: string }) => {
    const [high, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return high.some(
      (p) =>
        BigInt(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1') < BigInt(p.high) &&
        BigInt(p.high) > 0n,
    );
  };
  let crashed: string | null = null;
  let closed = false;

  return {
    async publish(name, events) {
      if (events.length === 0) return;
      const topic = ns(name);
      countWork('busSends');
      countWork('busEvents', events.length);
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: events.map(({ headers, ...e }) => ({
            key: e.key,
            value: JSON.stringify(e),
            headers: { ...headers, 'dfs-event-id': e.id, 'dfs-event-type': e.type },
          })),
        });
      } catch (err) {
        throw new DfsError('BUS_UNAVAILABLE', `publish to ${topic} failed: ${messageOf(err)}`, { cause: err });
      }
    },
    async subscribe(name, group, handler, subscribeOpts) {
      const topic = ns(name);
      // A group of this subscription's own, from the events published once it subscribed; deleted at
      // close (after a crash, the broker drops its offsets after offsets.retention.minutes).
      const everyProcess = subscribeOpts?.everyProcess ?? false;
      const groupId = `${ns(group)}.${name}${everyProcess ? `.${randomUUID()}` : ''}`;
      if (everyProcess) ownGroups.push(groupId);
      const consumer = client.consumer({
        groupId,
        allowAutoTopicCreation: false,
        retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
      });
      subscriptions.push({ groupId, topic });
      consumers.push(consumer);
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) crashed = `${group}.${topic}: ${messageOf(payload.error)}`;
        opts.log?.warn(
          { topic, group, err: messageOf(payload.error), restart: payload.restart },
          'Kafka consumer crashed',
        );
      });
      await consumer.connect();
      const from = everyProcess ? await admin.fetchTopicOffsets(topic) : [];
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: COMMIT_EVERY_MS,
        autoCommitThreshold: COMMIT_EVERY_EVENTS,
        partitionsConsumedConcurrently: subscribeOpts?.partitionsAtOnce ?? 1,
        eachMessage: async ({ partition, message }) => {
          const event = decode(message.value, message.headers);
          if (event) await handler(event);
          else opts.log?.warn({ topic, partition, offset: message.offset }, 'undecodable event skipped');
          countBusHandled(`${group}.${name}`);
        },
      });
      // Applied when the partitions are assigned: the events published from the moment this subscribed.
      for (const { partition, high } of from) consumer.seek({ topic, partition, offset: high });
    },
    async ready() {
      if (closed || crashed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), 2000);
      });
      try {
        return await Promise.race([
          admin.describeCluster().then(
            () => true,
            () => false,
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async settled(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until && (await Promise.all(subscriptions.map(behind))).some(Boolean))
        await new Promise((r) => setTimeout(r, 50));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      if (ownGroups.length) await admin.deleteGroups(ownGroups).catch(() => undefined);
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    },
  };
}

/** The bus the configuration selects: Kafka when KAFKA_BROKERS lists brokers, else the in-process bus. */
export async function openBus(
  brokers: readonly string[] | undefined,
  clientId: string,
  log?: Logger,
  namespace?: string,
): Promise<EventBus> {
  return brokers?.length ? kafkaBus({ brokers, clientId, log, namespace }) : memoryBus();
}
