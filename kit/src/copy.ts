/**
 * A deep copy of stored data, so that a caller never shares an object with a store or a bus: plain
 * objects, arrays, dates and byte arrays are copied by hand (about 7x cheaper than structuredClone
 * for a transfer, measured in docs/BENCHMARKS.md); anything else goes through structuredClone.
 */
export function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy) as T;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
    return out as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  // A new Uint8Array, as structuredClone gives (Buffer#slice would share the bytes).
  if (v instanceof Uint8Array) return new Uint8Array(v) as T;
  return structuredClone(v);
}
