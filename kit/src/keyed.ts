/**
 * Runs tasks in arrival order wherever they share a key and side by side where they share none: a
 * task starts once every earlier task holding one of its keys has ended (failed or not). A task with
 * no keys is a barrier: it starts once every earlier task has ended, and every later one waits for it.
 */
export function keyedQueue(): <T>(keys: readonly string[], task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  let barrier: Promise<unknown> = Promise.resolve();
  return (keys, task) => {
    const before = keys.length ? keys.map((k) => tails.get(k)) : [...tails.values()];
    const run = Promise.all([barrier, ...before]).then(task);
    const tail = run.catch(() => undefined);
    if (keys.length === 0) {
      barrier = tail;
      tails.clear();
    }
    for (const k of keys) tails.set(k, tail);
    void tail.then(() => {
      for (const k of keys) if (tails.get(k) === tail) tails.delete(k);
    });
    return run;
  };
}
