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
  /** Publishes to the event bus (one Kafka produce request each on Kafka). */
  busSends: number;
  /** Events in those publishes. */
  busEvents: number;
  /** Unary gRPC calls this process served. */
  grpcServed: number;
  /** Unary gRPC calls this process made. */
  grpcMade: number;
}

const counts: WorkCounts = { storeCalls: 0, storeCommands: 0, busSends: 0, busEvents: 0, grpcServed: 0, grpcMade: 0 };

/** Adds `n` to one counter. */
export function countWork(kind: keyof WorkCounts, n = 1): void {
  counts[kind] += n;
}

/** A copy of the counters so far. */
export function workCounts(): WorkCounts {
  return { ...counts };
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
