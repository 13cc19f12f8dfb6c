import { createHash } from 'node:crypto';
import {
  base64url,
  CompactSign,
  compactVerify,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type CompactVerifyGetKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type KeyInput,
} from 'jose';
import type { z } from 'zod';
import type { SignedContract } from '../../contracts/signed.js';
import { DfsError } from './errors.js';

/** The part of a JWS that the eSE signs: BASE64URL(header) "." BASE64URL(payload). */
export function signingInput(header: object, payload: object): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
}

/** A compact JWS whose signature was made elsewhere (inside the eSE). */
export async function compactJws(
  header: object,
  payload: object,
  sign: (data: Uint8Array) => Promise<Uint8Array>,
): Promise<string> {
  const input = signingInput(header, payload);
  return `${input}.${base64url.encode(await sign(new TextEncoder().encode(input)))}`;
}

/**
 * A compact JWS of a contract signed elsewhere (the eSE):
 * ES256, the contract's `typ`, the payload parsed by its schema.
 */
export function contractJws<C extends SignedContract>(
  contract: C,
  payload: z.input<C['schema']>,
  sign: (data: Uint8Array) => Promise<Uint8Array>,
  header: object = {},
): Promise<string> {
  return compactJws({ alg: 'ES256', ...header, typ: contract.typ }, contract.schema.parse(payload) as object, sign);
}

/**
 * Signs a contract's payload (parsed by its schema) with a key
 * held here: ES256, the contract's `typ`, `kid` when given.
 */
export function signJws<C extends SignedContract>(
  contract: C,
  payload: z.input<C['schema']>,
  key: { privateKey: CryptoKey; kid?: string },
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(contract.schema.parse(payload))))
    .setProtectedHeader({ alg: 'ES256', typ: contract.typ, ...(key.kid ? { kid: key.kid } : {}) })
    .sign(key.privateKey);
}

/**
 * Refuses a JWS whose protected `typ` is not the contract's (JWS_TYPE_MISMATCH):
 * a payment is never taken for a step-up, a proof or a result.
 */
export function expectTyp(header: { typ?: unknown }, contract: Pick<SignedContract, 'typ'>): void {
  if (header.typ !== contract.typ) throw new DfsError('JWS_TYPE_MISMATCH', `expected ${contract.typ}`);
}

/**
 * Verifies a compact JWS (ES256 only) and then its `typ`; returns the JSON payload (UTF-8, not yet
 * parsed by the schema) and the header. Signature and JSON errors are thrown as they come, for the
 * caller to name; a genuine signature over another kind of payload is JWS_TYPE_MISMATCH.
 */
export async function verifyJws(
  jws: string,
  key: KeyInput | CompactVerifyGetKey,
  contract: Pick<SignedContract, 'typ'>,
): Promise<{ payload: unknown; protectedHeader: CompactJWSHeaderParameters }> {
  const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['ES256'] });
  expectTyp(protectedHeader, contract);
  return { payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as unknown, protectedHeader };
}

/** Verifies a JWT (ES256 only, with the given claim checks) and then its `typ` (JWS_TYPE_MISMATCH). */
export async function verifyJwt(
  token: string,
  keys: KeyInput | JWTVerifyGetKey,
  contract: Pick<SignedContract, 'typ'>,
  options: JWTVerifyOptions = {},
): Promise<{ payload: JWTPayload; protectedHeader: CompactJWSHeaderParameters }> {
  const { payload, protectedHeader } = await jwtVerify(token, keys, { ...options, algorithms: ['ES256'] });
  expectTyp(protectedHeader, contract);
  return { payload, protectedHeader };
}

/** SHA-256, base64url: the `ath` of a token and the `requestHash` of a signed payment. */
export function sha256b64url(data: string | Uint8Array): string {
  return base64url.encode(createHash('sha256').update(data).digest());
}
