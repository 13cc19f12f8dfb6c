import { DfsError, type ErrorCode } from './errors.js';

/** Where an operator's CAMARA API is and how it is called: base URL, bearer key (read per call), deadline. */
export interface CamaraEndpoint {
  url: string;
  apiKey: () => string;
  deadlineMs: number;
}

/** A code that may go into an error detail as it is (an errno name, an operator's error code). */
const SAFE_CODE = /^[A-Z][A-Z0-9_.]{0,63}$/;
const safeCode = (value: unknown) => (typeof value === 'string' && SAFE_CODE.test(value) ? value : '');

/**
 * What went wrong, in words of our own: the underlying error's message is not kept, nor the error as
 * a cause, since it may quote the request's bearer key (an invalid header value) or the answer's text.
 */
function failure(err: unknown, step: string): string {
  const e = err as { name?: string; code?: unknown; cause?: { code?: unknown } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `${step}: timed out`;
  return `${step}: failed ${safeCode(e?.code) || safeCode(e?.cause?.code)}`.trim();
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
  let res: Response;
  try {
    res = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.apiKey()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(api.deadlineMs),
    });
  } catch (err) {
    throw new DfsError(unavailable, failure(err, 'request'));
  }
  let answer: Record<string, unknown>;
  try {
    answer = (await res.json()) as Record<string, unknown>;
  } catch (err) {
    throw new DfsError(unavailable, failure(err, `answer ${res.status}`));
  }
  if (res.status !== 200 && !accept.includes(res.status))
    throw new DfsError(unavailable, `operator answered ${res.status} ${safeCode(answer?.code)}`.trim());
  return { status: res.status, body: answer };
}
