import { DfsError } from '../../../../kit/src/errors.js';
import { unary } from '../../../../kit/src/grpc-server.js';
import { CALLERS } from '../../../../kit/src/identity.js';
import type { OpenAccountRequest__Output } from '../../../../gen/proto/dfs/v1/OpenAccountRequest.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { parseMoney } from '../domain/money.js';
import { openSignedAccount } from '../domain/wallet.js';
import type { TransactionRpcDeps } from './handlers.js';
import { accountId } from './parse.js';

/** An account holder's display name: 1 to 64 characters, none of them a control character. */
const DISPLAY_NAME = /^[^\p{Cc}]{1,64}$/u;

/** Validates an OpenAccount request: a known currency, an opening balance in it (or none), well-formed ids. */
function openRequest(req: OpenAccountRequest__Output, deps: Pick<TransactionRpcDeps, 'currencies' | 'maxAmount'>) {
  const currency = req.openingBalance?.currency ?? '';
  const opening =
    req.openingBalance && req.openingBalance.minorUnits !== '0'
      ? parseMoney(req.openingBalance, deps.currencies, deps.maxAmount)
      : null;
  if (!deps.currencies.has(currency)) throw new DfsError('CURRENCY_INVALID');
  if (req.holderDeviceId && !ACCOUNT_ID.safeParse(req.holderDeviceId).success) {
    throw new DfsError('INVALID_ARGUMENT', 'holder device id');
  }
  if (req.displayName && !DISPLAY_NAME.test(req.displayName)) throw new DfsError('INVALID_ARGUMENT', 'display name');
  return {
    accountId: accountId(req.accountId),
    holderDeviceId: req.holderDeviceId || null,
    opening,
    currency,
    ...(req.displayName ? { name: req.displayName } : {}),
  };
}

/** OpenAccount (operators): opens a wallet, funded from the treasury, and answers it signed. */
export function openAccountRpc(deps: TransactionRpcDeps): TransactionServiceHandlers['OpenAccount'] {
  return unary(deps.log, 'OpenAccount', [CALLERS.anyOperator], async (req) => ({
    signedResult: await openSignedAccount(openRequest(req, deps), deps),
  }));
}
