import { DfsError } from '../../../../../kit/src/errors.js';
import { connectMongo, mongoReady, type MongoOptions } from '../../../../../kit/src/mongo.js';
import type { LedgerStore } from '../ports.js';
import { mongoAccounts } from './accounts.js';
import { mongoAuthCodes } from './auth-codes.js';
import { mongoNumbers } from './numbers.js';
import { mongoCallbacks } from './callbacks.js';
import { mongoJournal } from './journal.js';
import { ledgerModels } from './models.js';
import { mongoOutbox } from './outbox.js';
import { mongoRates } from './rates.js';
import { mongoRequests } from './requests.js';
import { mongoTransfers } from './transfers.js';

/**
 * The ledger store on MongoDB through mongoose. Every operation is one conditional single-document
 * write that the server applies atomically, so it needs no multi-document transactions (brief §5)
 * and any number of replicas may share the store.
 */
export async function mongoLedgerStore(options: MongoOptions): Promise<LedgerStore> {
  const conn = await connectMongo(options);
  const m = ledgerModels(conn);
  try {
    for (const model of Object.values(m)) await model.createIndexes();
  } catch (err) {
    await conn.close();
    throw new DfsError('STORE_UNAVAILABLE', 'cannot create the ledger indexes', { cause: err });
  }
  return {
    ...mongoAccounts(m.accounts),
    ...mongoTransfers(m.transfers),
    ...mongoRequests(m.requests),
    ...mongoJournal(m.journal, m.checkpoints),
    ...mongoOutbox(m.outbox, m.leases),
    ...mongoCallbacks(m.callbacks),
    ...mongoAuthCodes(m.authCodes),
    ...mongoNumbers(m.numbers),
    ...mongoRates(m.rates),
    ready: () => mongoReady(conn),
    async close() {
      await conn.close();
    },
  };
}
