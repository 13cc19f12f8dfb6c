/** The console's calls to its server: the operator token from the login form on every request, events by SSE. */

const KEY = 'dfs-console-token';

/** A refusal from the console or the stack, with its stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export const token = {
  get: () => sessionStorage.getItem(KEY) ?? '',
  set: (t: string) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token.get()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => ({}))) as { code?: string };
  if (!res.ok) throw new ApiError(res.status, json.code ?? 'UNAVAILABLE');
  return json as T;
}

/** GET /api/<path>. */
export const get = <T>(path: string) => request<T>('GET', path);
/** POST /api/<path> with a JSON body. */
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);

type Listener = (data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let onState: (state: 'open' | 'closed') => void = () => {};

/** Calls `fn` with each message on `channel` (also those replayed on connecting); returns an unsubscribe. */
export function subscribe(channel: string, fn: Listener): () => void {
  const set = listeners.get(channel) ?? new Set();
  set.add(fn);
  listeners.set(channel, set);
  return () => set.delete(fn);
}

function dispatch(block: string): void {
  let channel = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) channel = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return;
  const parsed = JSON.parse(data.join('\n')) as unknown;
  for (const fn of listeners.get(channel) ?? []) fn(parsed);
}

/**
 * Opens the event stream (fetch with the bearer header: EventSource cannot send one, and a token in the
 * URL would be logged) and reconnects after a drop; a refused token goes back to the login form.
 */
export async function connect(state: (s: 'open' | 'closed') => void): Promise<void> {
  onState = state;
  for (;;) {
    try {
      const res = await fetch('/api/events', { headers: { authorization: `Bearer ${token.get()}` } });
      if (res.status === 401) {
        token.clear();
        location.reload();
        return;
      }
      if (!res.ok || !res.body) throw new ApiError(res.status, 'STREAM');
      onState('open');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // dropped or refused: shown as offline, retried below
    }
    onState('closed');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
