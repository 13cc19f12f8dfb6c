import type { Logger } from '../../../../kit/src/log.js';
import { countedStore } from '../../../../kit/src/work.js';
import { memoryLedgerStore } from './memory/index.js';
import type { LedgerStore } from './ports.js';

/** The ledger store the configuration selects: MongoDB when MONGODB_URI is set, else process memory. */
export async function openLedgerStore(config: { mongodbUri?: string | undefined }, log: Logger): Promise<LedgerStore> {
  if (!config.mongodbUri) return countedStore(memoryLedgerStore());
  const { mongoLedgerStore } = await import('./mongo/index.js');
  return countedStore(await mongoLedgerStore({ uri: config.mongodbUri, service: 'transaction', log }));
}
