/**
 * Workload identities, SPIFFE style: every client certificate of the stack carries exactly one URI
 * SAN `spiffe://dfs.local/<kind>/<name>`, and every RPC lists the identities allowed to call it.
 * The organisational unit of a certificate plays no part in authorization.
 */
export const TRUST_DOMAIN = 'dfs.local';

/** The kinds of workload the stack issues certificates to. */
export type IdentityKind = 'service' | 'operator' | 'bootstrap' | 'device';

/** The SPIFFE ID of one workload. */
export const spiffeId = (kind: IdentityKind, name: string): string => `spiffe://${TRUST_DOMAIN}/${kind}/${name}`;

/** The identities RPCs name: one service each, or any workload of a kind (`/*`). */
export const CALLERS = {
  attestation: spiffeId('service', 'attestation'),
  transaction: spiffeId('service', 'transaction'),
  risk: spiffeId('service', 'risk'),
  anyOperator: spiffeId('operator', '*'),
  anyBootstrap: spiffeId('bootstrap', '*'),
  anyDevice: spiffeId('device', '*'),
} as const;

/* eslint-disable-next-line security/detect-non-literal-regexp --
   built once from the constant trust domain; no input reaches it */
const SPIFFE = new RegExp(
  `^spiffe://${TRUST_DOMAIN.replace('.', '\\.')}/(service|operator|bootstrap|device)/([A-Za-z0-9._-]{1,64})$`,
);

/** Kind and name of a SPIFFE ID of this trust domain; null for anything else. */
export function parseSpiffeId(uri: string): { kind: IdentityKind; name: string } | null {
  const m = SPIFFE.exec(uri);
  return m ? { kind: m[1] as IdentityKind, name: m[2]! } : null;
}

/** True when `id` is one of `allowed` (an entry ending in `/*` admits any name of that kind). */
export function identityAllowed(allowed: readonly string[], id: string): boolean {
  if (!id) return false;
  return allowed.some((a) =>
    a.endsWith('/*') ? id.startsWith(a.slice(0, -1)) && parseSpiffeId(id) !== null : a === id,
  );
}
