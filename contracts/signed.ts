import type { z } from 'zod';

/** A signed payload kind: the JWS `typ` it travels under, its schema version, and its zod schema. */
export interface SignedContract<S extends z.ZodType = z.ZodType> {
  readonly typ: string;
  readonly version: number;
  readonly schema: S;
}

/** Declares a signed payload kind. */
export function signedContract<const T extends string, S extends z.ZodType>(
  typ: T,
  version: number,
  schema: S,
): SignedContract<S> & { readonly typ: T } {
  return { typ, version, schema };
}
