import { z } from 'zod';
import { IntegratorTransaction } from './results.js';

/**
 * The body POSTed to an integrator's callback URL when a payment answering its request to pay ends:
 * the integrator's view of it, signed (`signed`, a `dfs-result+jws`), and, for convenience, the fields
 * it signs. Header `X-Event-Id` carries the payment event id for deduplication.
 */
export const IntegratorCallback = z.intersection(z.object({ signed: z.string().min(1) }), IntegratorTransaction);
export type IntegratorCallback = z.infer<typeof IntegratorCallback>;
