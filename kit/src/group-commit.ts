/** Sends one batch: one result per item, in order (an Error fails that item alone). */
export type SendBatch<I, O> = (items: readonly I[]) => Promise<readonly (O | Error)[]>;

/**
 * Group commit: calls made in the same turn of the event loop, or while a batch is in flight, go
 * out together as the next batch, so a store is asked once for what many concurrent payments need.
 * An idle caller waits for nothing but the current turn; under load the batch grows with the
 * backlog (up to `maxBatch`), and one round trip serves the whole batch. A batch that fails fails
 * each of its calls; the next batch is sent as usual.
 */
export function groupCommit<I, O>(send: SendBatch<I, O>, maxBatch = 256): (item: I) => Promise<O> {
  type Waiter = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Waiter[] = [];
  let running = false;
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const out = await send(batch.map((w) => w.item));
        batch.forEach((w, i) => {
          const o = out[i];
          if (o instanceof Error) w.reject(o);
          else w.resolve(o as O);
        });
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running) return;
      running = true;
      queueMicrotask(() => void drain());
    });
}
