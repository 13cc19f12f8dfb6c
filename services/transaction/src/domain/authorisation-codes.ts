import { createHash, randomInt } from 'node:crypto';
import { AUTH_CODE_ORDER } from '../../../../contracts/authorisation-code.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { AccountStore, AuthCodeStore } from '../store/ports.js';
import { authorizeOrder, type AuthorizeDeps } from './authorize.js';
import type { AuthorisationCode } from './model.js';
import { wire } from './money.js';
import { signResult } from './results.js';

/** Tries (wrong codes) charged against a payer's active code after which it can no longer be redeemed. */
export const AUTH_CODE_MAX_FAILURES = 5;

/** What making a code needs: the device checks, the store, the result key, how long a code lives. */
export interface AuthCodeDeps extends AuthorizeDeps {
  store: AuthCodeStore & Pick<AccountStore, 'getAccount'>;
  resultKey: () => SigningKey;
  authCodeTtlMs: number;
}

/** How a code is stored and found: a hash of the wallet and the code, never the code itself. */
export function authCodeKey(payer: string, code: string): string {
  return createHash('sha256').update(`dfs-authcode:${payer}:${code}`).digest('base64url');
}

/** Eight decimal digits from the platform's CSPRNG. */
const drawCode = () => String(randomInt(0, 100_000_000)).padStart(8, '0');

/**
 * A cash-out authorisation code for the device's own wallet (GSMA MM API authorisation codes,
 * made on the phone only): the order is verified like a payment (authorizeOrder under
 * AUTH_CODE_ORDER: token, eSE signature after the PIN, binding, caller, freshness, payer, standing),
 * the wallet must hold the amount's currency; then a fresh 8-digit code is stored under its hash and
 * answered, signed, to the phone alone. A resent order gets the same answer byte for byte; the same
 * order id with another payload is IDEMPOTENCY_KEY_REUSED. No money moves until an agent redeems it.
 */
export async function createAuthorisationCode(
  signedOrder: string,
  token: string,
  peer: Peer,
  deps: AuthCodeDeps,
): Promise<string> {
  const { claims, order, money, requestHash } = await authorizeOrder(signedOrder, token, peer, deps, AUTH_CODE_ORDER);
  const wallet = await deps.store.getAccount(order.payer);
  if (!wallet) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  if (wallet.holderDeviceId !== claims.sub) throw new DfsError('PAYMENT_PAYER_NOT_OWNED');
  if (wallet.currency !== money.currency) throw new DfsError('LEDGER_CURRENCY_MISMATCH');
  for (;;) {
    const now = deps.now();
    const authorisationCode = drawCode();
    const expiresAtMs = now + deps.authCodeTtlMs;
    const payload = {
      typ: 'authorisation-code',
      orderId: order.orderId,
      payer: order.payer,
      amount: wire(money),
      authorisationCode,
      codeState: 'active',
      expiresAtMs,
      requestHash,
    };
    const code: AuthorisationCode = {
      id: authCodeKey(order.payer, authorisationCode),
      payer: order.payer,
      orderId: order.orderId,
      requestHash,
      deviceId: claims.sub,
      tier: claims.tier,
      amount: money.minorUnits,
      currency: money.currency,
      state: 'ACTIVE',
      failures: 0,
      tries: [],
      createdAtMs: now,
      expiresAtMs,
      result: await signResult(payload, deps.resultKey(), now),
      redeemedBy: null,
    };
    const stored = await deps.store.insertAuthCode(code);
    if (stored.created) return code.result;
    if (!stored.code) continue; // another active code of this wallet drew the same digits: draw again
    if (stored.code.requestHash !== requestHash) throw new DfsError('IDEMPOTENCY_KEY_REUSED');
    return stored.code.result;
  }
}
