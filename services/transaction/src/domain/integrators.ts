import type { AccountStore } from '../store/ports.js';
import type { Account } from './model.js';
/** An integrator of the REST API: who it is, which accounts it collects into, where its callbacks go. */
export interface Integrator {
  id: string;
  /** Account ids it may collect into and read; a trailing `*` matches a prefix. */
  accounts: string[];
  /** The default callback target, used when a request names none; its origin counts as registered. */
  callbackUrl?: string;
  /** The origins (`https://host[:port]`) a request's X-Callback-URL may point under. */
  callbackOrigins?: string[];
  /**
   * The requests to pay it may create beyond `merchantpay` into its own accounts: `transfer` lets it
   * ask a customer to pay another customer's wallet (P2P); `withdrawal` lets it act as a cash-out
   * agent, recording withdrawals into its own accounts against the customer's one-time code. Absent:
   * merchantpay only.
   */
  types?: ('transfer' | 'withdrawal')[];
}

/**
 * True when the account id matches one of the integrator's patterns. Only a first filter: an account
 * is the integrator's own only if it is also not a wallet held by a phone (ownsAccount).
 */
export function mayUseAccount(integrator: Integrator, accountId: string): boolean {
  return integrator.accounts.some((a) => (a.endsWith('*') ? accountId.startsWith(a.slice(0, -1)) : a === accountId));
}

/** True when some account id matches both patterns (each an exact id, or a prefix ending in `*`). */
export function patternsOverlap(a: string, b: string): boolean {
  const prefix = (p: string) => (p.endsWith('*') ? p.slice(0, -1) : null);
  const [pa, pb] = [prefix(a), prefix(b)];
  if (pa === null && pb === null) return a === b;
  if (pa !== null && pb !== null) return pa.startsWith(pb) || pb.startsWith(pa);
  return pa !== null ? b.startsWith(pa) : a.startsWith(pb!);
}

/**
 * What keeps integrators apart, checked when their file is read: one id and one API key each, no
 * account pattern that another integrator's pattern (or a treasury, `treasury-*`) also matches.
 * Each problem names the integrators, never a key. Patterns are compared in the order of their stems
 * (the id, or the prefix before `*`), where every id a prefix matches follows it: near-linear, not
 * every pattern against every other (the file allows a thousand integrators of a thousand each).
 */
export function separationProblems(integrators: (Integrator & { apiKey: string })[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const keys = new Map<string, string>();
  for (const a of integrators) {
    if (ids.has(a.id)) problems.push(`integrator id ${a.id} appears twice`);
    ids.add(a.id);
    const sharing = keys.get(a.apiKey);
    if (sharing) problems.push(`integrators ${sharing} and ${a.id} share an API key`);
    else keys.set(a.apiKey, a.id);
    for (const p of a.accounts)
      if (patternsOverlap(p, 'treasury-*'))
        problems.push(`integrator ${a.id}: account pattern ${p} matches a treasury`);
  }
  const patterns = integrators
    .flatMap((a) => a.accounts.map((p) => ({ id: a.id, p, stem: p.endsWith('*') ? p.slice(0, -1) : p })))
    .sort((x, y) => (x.stem < y.stem ? -1 : x.stem > y.stem ? 1 : 0));
  const pairs = new Set<string>();
  patterns.forEach((x, i) => {
    for (let j = i + 1; j < patterns.length && patterns[j]!.stem.startsWith(x.stem); j++) {
      const y = patterns[j]!;
      const pair = [x.id, y.id].sort().join(' and ');
      if (x.id === y.id || pairs.has(pair) || !patternsOverlap(x.p, y.p)) continue;
      pairs.add(pair);
      problems.push(`integrators ${pair} both match accounts of ${x.p}`);
    }
  });
  return problems;
}

/**
 * True when the account is the integrator's own (it may collect into it, pay and reverse from it,
 * read it): matched by its patterns and not a wallet held by a phone. A pattern is only an id
 * prefix, so a customer's wallet whose id happens to match (`merchant-*` and a wallet `merchant-x`)
 * must never become the integrator's to debit or read.
 */
export function ownsAccount(integrator: Integrator, account: Pick<Account, 'id' | 'holderDeviceId'>): boolean {
  return !account.holderDeviceId && mayUseAccount(integrator, account.id);
}

/** ownsAccount by id: the account is read only when the id matches a pattern. */
export async function ownsAccountId(
  integrator: Integrator,
  accountId: string,
  store: Pick<AccountStore, 'getAccount'>,
): Promise<boolean> {
  if (!mayUseAccount(integrator, accountId)) return false;
  const a = await store.getAccount(accountId);
  return !!a && ownsAccount(integrator, a);
}

/** The integrators allowed on the REST API, with constant-time API key checks. */
export interface IntegratorRegistry {
  /** The integrator whose key this is, or null; every key is compared, in constant time. */
  authenticate(apiKey: string | undefined): Integrator | null;
  byId(id: string): Integrator | undefined;
}
