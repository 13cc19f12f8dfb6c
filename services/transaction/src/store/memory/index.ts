import type { LedgerStore } from '../ports.js';
import { memoryAccounts } from './accounts.js';
import { memoryAuthCodes } from './auth-codes.js';
import { memoryNumbers } from './numbers.js';
import { memoryCallbacks } from './callbacks.js';
import { memoryJournal } from './journal.js';
import { memoryOutbox } from './outbox.js';
import { memoryRates } from './rates.js';
import { memoryRequests } from './requests.js';
import { memoryTransfers } from './transfers.js';

/** The embedded default ledger store: process memory with the same single-document semantics as MongoDB. */
export function memoryLedgerStore(): LedgerStore {
  return {
    ...memoryAccounts(),
    ...memoryTransfers(),
    ...memoryRequests(),
    ...memoryJournal(),
    ...memoryOutbox(),
    ...memoryCallbacks(),
    ...memoryAuthCodes(),
    ...memoryNumbers(),
    ...memoryRates(),
    async ready() {
      return true;
    },
    async close() {},
  };
}
