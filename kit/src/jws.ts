import { createHash } from 'node:crypto';
import { base64url } from 'jose';

/** The part of a JWS that the eSE signs: BASE64URL(header) "." BASE64URL(payload). */
export function signingInput(header: object, payload: object): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
}

/** A compact JWS whose signature was made elsewhere (inside the eSE). */
export async function compactJws(header: object, payload: object, sign: (data: Uint8Array) => Promise<Uint8Array>): Promise<string> {
  const input = signingInput(header, payload);
  return `${input}.${base64url.encode(await sign(new TextEncoder().encode(input)))}`;
}

/** SHA-256, base64url: the `ath` of a token and the `requestHash` of a signed payment. */
export function sha256b64url(data: string | Uint8Array): string {
  return base64url.encode(createHash('sha256').update(data).digest());
}
