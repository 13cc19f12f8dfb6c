import type { Logger } from '../../../../kit/src/log.js';
import { countedStore } from '../../../../kit/src/work.js';
import { memoryFeatureStore } from './memory/index.js';
import type { FeatureStore } from './ports.js';

/** The feature store the configuration selects: MongoDB when MONGODB_URI is set, else process memory. */
export async function openFeatureStore(
  config: { mongodbUri?: string | undefined },
  log: Logger,
): Promise<FeatureStore> {
  if (!config.mongodbUri) return countedStore(memoryFeatureStore());
  const { mongoFeatureStore } = await import('./mongo/index.js');
  return countedStore(await mongoFeatureStore({ uri: config.mongodbUri, service: 'risk', log }));
}
