import { compactVerify } from 'jose';
import { z } from 'zod';
import { DfsError } from '../../../kit/src/errors.js';

/** The payment request a merchant tag carries (SFI 1 record 1, JSON). */
export const TagPaymentRequest = z.object({
  payee: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}$/),
  amount: z.object({ minorUnits: z.string().regex(/^[1-9]\d{0,15}$/), currency: z.string().regex(/^[A-Z]{3}$/) }).strict(),
  reference: z.string().max(64).optional(),
}).strict();
export type TagPaymentRequest = z.infer<typeof TagPaymentRequest>;

/** The JWS type of a merchant tag: a payment request signed by the payment backend's result key. */
export const MERCHANT_TAG_TYP = 'dfs-merchant-tag+jws';

/** The keys the backend signs with, as the daemon fetched them at enrollment. */
export type BackendKeys = Parameters<typeof compactVerify>[1];

/** The payload bytes of a tag record when it is signed by the backend (`keys`); throws otherwise. */
export type TagVerifier = (record: string, keys: BackendKeys) => Promise<Uint8Array>;

/** The production check: ES256 by one of the backend's published keys, typ dfs-merchant-tag+jws. */
export const BACKEND_SIGNED_TAG: TagVerifier = async (record, keys) => {
  const { payload, protectedHeader } = await compactVerify(record, keys, { algorithms: ['ES256'] });
  if (protectedHeader.typ !== MERCHANT_TAG_TYP) throw new Error('typ');
  return payload;
};

/** Parses a tag payload into a payment request; anything else is NFC_TAG_INVALID. */
export function parseTagRequest(payload: Uint8Array): TagPaymentRequest {
  try {
    return TagPaymentRequest.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)));
  } catch (err) {
    throw new DfsError('NFC_TAG_INVALID', undefined, { cause: err });
  }
}

/** Reads a tag record: a request the backend signed (else NFC_TAG_UNTRUSTED), then parsed (else NFC_TAG_INVALID). */
export async function readTagRequest(record: Uint8Array, keys: BackendKeys, verify: TagVerifier = BACKEND_SIGNED_TAG): Promise<TagPaymentRequest> {
  let payload: Uint8Array;
  try {
    payload = await verify(new TextDecoder('utf-8', { fatal: true }).decode(record).trim(), keys);
  } catch (err) {
    if (err instanceof DfsError) throw err;
    throw new DfsError('NFC_TAG_UNTRUSTED', undefined, { cause: err });
  }
  return parseTagRequest(payload);
}
