/**
 * Work this process has done at its edges, counted by the adapters themselves (store ports, the
 * MongoDB driver, the event bus, gRPC client and server) so the domain code never counts anything.
 * `dfs load` reads the embedded stack's counts and divides them by the payments of the run.
 */
export interface WorkCounts {
  /** Calls of a store port method (one domain-level store operation each). */
  storeCalls: number;
  /** Commands the MongoDB driver sent to the server (round trips), real stores only. */
  storeCommands: number;
  /** The same commands by collection and command name (`ledger_outbox insert`), to see where they go. */
  storeCommandsBy: Record<string, number>;
  /** Publishes to the event bus (one Kafka produce request each on Kafka). */
  busSends: number;
  /** Events in those publishes. */
  busEvents: number;
  /**
   * Events each consumer group handled, by `<group>.<topic>`: a group that keeps up handles every
   * event its topic got, so fewer per payment than its topic carries means it fell behind.
   */
  busHandledBy: Record<string, number>;
  /** Unary gRPC calls this process served. */
  grpcServed: number;
  /** Unary gRPC calls this process made. */
  grpcMade: number;
}

/** The counts kept by name. */
export type WorkTally = 'storeCommandsBy' | 'busHandledBy';

/** The counters that are plain numbers. */
export type WorkCounter = Exclude<keyof WorkCounts, WorkTally>;

const COUNTERS: WorkCounter[] = ['storeCalls', 'storeCommands', 'busSends', 'busEvents', 'grpcServed', 'grpcMade'];
const TALLIES: WorkTally[] = ['storeCommandsBy', 'busHandledBy'];

/** All counters at zero. */
export function noWork(): WorkCounts {
  return {
    storeCalls: 0,
    storeCommands: 0,
    storeCommandsBy: {},
    busSends: 0,
    busEvents: 0,
    busHandledBy: {},
    grpcServed: 0,
    grpcMade: 0,
  };
}

const counts = noWork();

/** Adds `n` to one counter. */
export function countWork(kind: WorkCounter, n = 1): void {
  counts[kind] += n;
}

function addTo(tally: Record<string, number>, name: string, n: number): void {
  tally[name] = (tally[name] ?? 0) + n;
}

/** Counts one command sent to the store, under `what` (collection and command name) as well. */
export function countStoreCommand(what: string): void {
  counts.storeCommands += 1;
  addTo(counts.storeCommandsBy, what, 1);
}

/** Counts one event a consumer group (`<group>.<topic>`) handled. */
export function countBusHandled(groupTopic: string): void {
  addTo(counts.busHandledBy, groupTopic, 1);
}

/** A copy of the counters so far. */
export function workCounts(): WorkCounts {
  return { ...counts, storeCommandsBy: { ...counts.storeCommandsBy }, busHandledBy: { ...counts.busHandledBy } };
}

/** The counters of several processes added up. */
export function sumWork(all: WorkCounts[]): WorkCounts {
  const total = noWork();
  for (const w of all) {
    for (const k of COUNTERS) total[k] += w[k];
    for (const t of TALLIES) for (const [name, n] of Object.entries(w[t])) addTo(total[t], name, n);
  }
  return total;
}

/** The work between two readings per item (payment), to two decimals; names with none left out, largest first. */
export function workPer(end: WorkCounts, start: WorkCounts, items: number): WorkCounts {
  const per = (n: number) => Math.round((n / items) * 100) / 100;
  const out = noWork();
  for (const k of COUNTERS) out[k] = per(end[k] - start[k]);
  for (const t of TALLIES) {
    const by = Object.entries(end[t])
      .map(([name, n]) => [name, per(n - (start[t][name] ?? 0))] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    out[t] = Object.fromEntries(by);
  }
  return out;
}

const UNCOUNTED = new Set<PropertyKey>(['ready', 'close']);

/** The store with every port method call counted (`ready` and `close` aside); wraps at wiring time. */
export function countedStore<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || UNCOUNTED.has(prop)) return value;
      return (...args: unknown[]) => {
        counts.storeCalls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** When started with an IPC channel (`dfs load` spawning `dfs serve`), answers 'work' with the counters. */
export function answerWorkQueries(): void {
  if (!process.send) return;
  process.on('message', (m) => {
    if (m === 'work') process.send?.({ work: workCounts() });
  });
  process.channel?.unref();
}
