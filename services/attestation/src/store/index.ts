import type { Logger } from '../../../../kit/src/log.js';
import { countedStore } from '../../../../kit/src/work.js';
import { memoryAttestationStore } from './memory.js';
import type { AttestationStore } from './ports.js';

/** The attestation store the configuration selects: MongoDB when MONGODB_URI is set, else process memory. */
export async function openAttestationStore(
  config: { mongodbUri?: string | undefined },
  log: Logger,
): Promise<AttestationStore> {
  if (!config.mongodbUri) return countedStore(memoryAttestationStore());
  const { mongoAttestationStore } = await import('./mongo.js');
  return countedStore(await mongoAttestationStore({ uri: config.mongodbUri, service: 'attestation', log }));
}
