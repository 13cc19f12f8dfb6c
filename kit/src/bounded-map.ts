/** A map that keeps at most `max` entries, forgetting the least recently written first. */
export function boundedMap<K, V>(max: number) {
  const m = new Map<K, V>();
  return {
    get: (k: K): V | undefined => m.get(k),
    has: (k: K) => m.has(k),
    set(k: K, v: V) {
      m.delete(k);
      m.set(k, v);
      if (m.size > max) m.delete(m.keys().next().value!);
    },
    clear: () => m.clear(),
  };
}

export type BoundedMap<K, V> = ReturnType<typeof boundedMap<K, V>>;
