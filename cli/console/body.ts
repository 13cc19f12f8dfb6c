import type { z } from 'zod';
import { DfsError } from '../../kit/src/errors.js';

/** A request body checked against its schema; anything else is INVALID_ARGUMENT naming the bad fields. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new DfsError('INVALID_ARGUMENT', r.error.issues.map((i) => i.path.join('.')).join(','));
  return r.data;
}
