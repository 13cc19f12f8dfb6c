import type { Logger } from '../../../../kit/src/log.js';
import { memoryAttestationStore } from './memory.js';
import type { AttestationStore } from './ports.js';

/** The attestation store the configuration selects: MongoDB when MONGODB_URI is set, else process memory. */
export async function openAttestationStore(config: { mongodbUri?: string | undefined }, log: Logger): Promise<AttestationStore> {
  if (!config.mongodbUri) return memoryAttestationStore();
  const { mongoAttestationStore } = await import('./mongo.js');
  return mongoAttestationStore({ uri: config.mongodbUri, service: 'attestation', log });
}
