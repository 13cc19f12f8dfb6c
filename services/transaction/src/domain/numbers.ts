import { DfsError } from '../../../../kit/src/errors.js';
import type { AccountStore, NumberStore } from '../store/ports.js';

/** Asks the operator whether a number's working SIM is the one whose IMSI hashes to `imsiHash`. */
export interface NumberVerifier {
  verify(msisdn: string, imsiHash: string): Promise<boolean>;
}

/** What binding and resolving phone numbers need: the store and the operator's number verification. */
export interface NumberDeps {
  store: NumberStore & Pick<AccountStore, 'getAccount'>;
  numbers: NumberVerifier;
  now: () => number;
}

/**
 * The wallet a phone number names (GSMA identifier type `msisdn`): its binding, while the operator
 * still confirms that the number's working SIM is the bound one (a SIM swapped since unbinds it in
 * effect) and the wallet is still held by the bound phone; else LEDGER_ACCOUNT_NOT_FOUND. An operator
 * that does not answer is NUMBER_VERIFICATION_UNAVAILABLE.
 */
export async function resolveNumber(msisdn: string, deps: NumberDeps): Promise<string> {
  const b = await deps.store.getNumber(msisdn);
  if (!b) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  const [account, confirmed] = await Promise.all([
    deps.store.getAccount(b.accountId),
    deps.numbers.verify(b.msisdn, b.imsiHash),
  ]);
  if (!confirmed || account?.holderDeviceId !== b.deviceId) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
  return b.accountId;
}
