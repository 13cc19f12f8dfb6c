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

/** True when the integrator may use this account (create requests into it, read its balance). */
export function mayUseAccount(integrator: Integrator, accountId: string): boolean {
  return integrator.accounts.some((a) => (a.endsWith('*') ? accountId.startsWith(a.slice(0, -1)) : a === accountId));
}

/** The integrators allowed on the REST API, with constant-time API key checks. */
export interface IntegratorRegistry {
  /** The integrator whose key this is, or null; every key is compared, in constant time. */
  authenticate(apiKey: string | undefined): Integrator | null;
  byId(id: string): Integrator | undefined;
}
