import { decodeProtectedHeader, type CompactVerifyGetKey, type KeyInput } from 'jose';
import { MERCHANT_TAG, TagPaymentRequest } from '../../../contracts/device.js';
import { DfsError } from '../../../kit/src/errors.js';
import { expectTyp, verifyJws } from '../../../kit/src/jws.js';

/** The keys the backend signs with, as the daemon fetched them at enrollment. */
export type BackendKeys = KeyInput | CompactVerifyGetKey;

/**
 * The JSON payload of a tag record (typ already checked) when it is signed by the backend (`keys`); throws otherwise.
 */
export type TagVerifier = (record: string, keys: BackendKeys) => Promise<unknown>;

/** The production check: verifyJws (kit/src/jws.ts) under MERCHANT_TAG, by one of the backend's published keys. */
export const BACKEND_SIGNED_TAG: TagVerifier = async (record, keys) =>
  (await verifyJws(record, keys, MERCHANT_TAG)).payload;

/** Parses a tag payload into a payment request; anything else is NFC_TAG_INVALID. */
export function parseTagRequest(payload: unknown): TagPaymentRequest {
  try {
    return TagPaymentRequest.parse(payload);
  } catch (err) {
    throw new DfsError('NFC_TAG_INVALID', undefined, { cause: err });
  }
}

/**
 * Reads a tag record: of the MERCHANT_TAG typ (else JWS_TYPE_MISMATCH, whatever `verify` is wired), a
 * request the backend signed (else NFC_TAG_UNTRUSTED), then parsed (else NFC_TAG_INVALID).
 */
export async function readTagRequest(
  record: Uint8Array,
  keys: BackendKeys,
  verify: TagVerifier = BACKEND_SIGNED_TAG,
): Promise<TagPaymentRequest> {
  let payload: unknown;
  try {
    const jws = new TextDecoder('utf-8', { fatal: true }).decode(record).trim();
    expectTyp(decodeProtectedHeader(jws), MERCHANT_TAG);
    payload = await verify(jws, keys);
  } catch (err) {
    if (err instanceof DfsError) throw err;
    throw new DfsError('NFC_TAG_UNTRUSTED', undefined, { cause: err });
  }
  return parseTagRequest(payload);
}
