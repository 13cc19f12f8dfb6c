import { DfsError, type ErrorCode } from './errors.js';

/** Where an operator's CAMARA API is and how it is called: base URL, bearer key (read per call), deadline. */
export interface CamaraEndpoint {
  url: string;
  apiKey: () => string;
  deadlineMs: number;
}

/**
 * POSTs `body` to `path` of the operator's CAMARA API (two-legged: bearer key, JSON) within the
 * deadline and returns the HTTP status and parsed answer; a transport error, a late or non-JSON answer,
 * or a status outside `accept` (200 always) rejects with `unavailable`, the caller's stable code.
 */
export async function camaraPost(
  api: CamaraEndpoint,
  path: string,
  body: unknown,
  unavailable: ErrorCode,
  accept: readonly number[] = [],
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const res = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.apiKey()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(api.deadlineMs),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 && !accept.includes(res.status))
      throw new Error(`operator answered ${res.status} ${typeof answer.code === 'string' ? answer.code : ''}`);
    return { status: res.status, body: answer };
  } catch (err) {
    throw new DfsError(unavailable, (err as Error).message, { cause: err });
  }
}
