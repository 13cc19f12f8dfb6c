/** A deep copy: callers never share a stored object with the store. */
export const copy = <T>(v: T): T => structuredClone(v);
