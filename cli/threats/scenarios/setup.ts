import { base64url } from 'jose';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { readLedger } from '../../load/ledger-view.js';
import type { World } from '../../world.js';

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

/** KES minor units. */
export const kes = (minorUnits: number) => ({ minorUnits: String(minorUnits), currency: 'KES' });

/** A compact JWS with its payload edited and its header and signature kept: what a man in the middle sends on. */
export function editPayload<P = Record<string, unknown>>(jws: string, edit: (p: P) => void): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as P;
  edit(payload);
  return `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
}
