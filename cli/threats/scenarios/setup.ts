import { randomUUID } from 'node:crypto';
import { base64url } from 'jose';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { readLedger } from '../../load/ledger-view.js';
import type { World } from '../../world.js';
import type { Context } from '../types.js';

/** A phone enrolled with a funded wallet and a merchant, optionally behind a network attacker or with its own user. */
export async function payer(
  world: World,
  opts: { wrap?: (b: Backend) => Backend; balance?: number; profile?: string; user?: PhoneUser } = {},
) {
  const phone = await world.phone(opts.profile ?? 'secure', {
    ...(opts.wrap ? { wrap: opts.wrap } : {}),
    ...(opts.user ? { user: opts.user } : {}),
  });
  const wallet = world.newId('wallet');
  const merchant = world.newId('merchant');
  const enrollment = await phone.daemon.enroll(wallet);
  await world.openWallet(wallet, enrollment.deviceId, opts.balance ?? 100_000, 'KES');
  await world.openMerchant(merchant, 'KES');
  return { phone, wallet, merchant, enrollment };
}

/** An account's balance as the operator reads it (signed by the backend). */
export const balance = async (world: World, account: string) =>
  (await readLedger(world, [account], [])).balances.get(account);

/** An amount in KES minor units as people read it: "KES 2,500.00". */
export const kesText = (minorUnits: number) =>
  `KES ${(minorUnits / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * POSTs `body` to the integrator API as the registered integrator, under a fresh X-CorrelationID
 * (plus `headers`): the HTTP status, the request state's `status` and `serverCorrelationId`, and the
 * stable code of a refusal.
 */
export async function postAsIntegrator(
  ctx: Context,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; state: string | null; requestId: string | null; code: string | null }> {
  const res = await fetch(`${ctx.integrator!.url}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-API-Key': ctx.integrator!.apiKey,
      'X-CorrelationID': randomUUID(),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const b = (await res.json()) as {
    status?: string;
    serverCorrelationId?: string;
    errorParameters?: { key: string; value: string }[];
  };
  return {
    status: res.status,
    state: b.status ?? null,
    requestId: res.ok ? (b.serverCorrelationId ?? null) : null,
    code: b.errorParameters?.find((p) => p.key === 'code')?.value ?? null,
  };
}

/** KES minor units. */
export const kes = (minorUnits: number) => ({ minorUnits: String(minorUnits), currency: 'KES' });

/** A compact JWS with its payload edited and its header and signature kept: what a man in the middle sends on. */
export function editPayload<P = Record<string, unknown>>(jws: string, edit: (p: P) => void): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as P;
  edit(payload);
  return `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
}
