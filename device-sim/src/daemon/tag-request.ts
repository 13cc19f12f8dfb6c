import { z } from 'zod';
import { DfsError } from '../../../kit/src/errors.js';

/** The payment request a merchant tag carries (SFI 1 record 1, JSON). */
export const TagPaymentRequest = z.object({
  payee: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}$/),
  amount: z.object({ minorUnits: z.string().regex(/^[1-9]\d{0,15}$/), currency: z.string().regex(/^[A-Z]{3}$/) }).strict(),
  reference: z.string().max(64).optional(),
}).strict();
export type TagPaymentRequest = z.infer<typeof TagPaymentRequest>;

/** Parses a tag record into a payment request; anything else is NFC_TAG_INVALID. */
export function parseTagRequest(record: Uint8Array): TagPaymentRequest {
  try {
    return TagPaymentRequest.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(record)));
  } catch (err) {
    throw new DfsError('NFC_TAG_INVALID', undefined, { cause: err });
  }
}
