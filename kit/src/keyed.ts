/**
 * Runs the tasks given for one key one at a time within this process (when `enabled`); tasks for
 * other keys run freely. Used where two completions of one transfer in one process must not
 * interleave (across processes the store's conditional writes decide).
 */
export function keyedSerializer(enabled: boolean): <T>(key: string, write: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, write) => {
    if (!enabled) return write();
    const run = (tails.get(key) ?? Promise.resolve()).then(write, write);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
