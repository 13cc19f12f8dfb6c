import { loadEnv, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** The FOTA service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      ...SERVICE_ENV,
      FOTA_HTTPS_PORT: port(8443),
      FOTA_CATALOG_FILE: z.string().min(1).default('config/fota-catalog.json'),
    },
    env,
  );
  return Object.freeze({
    ...serviceBase(e, 'fota'),
    httpsPort: e.FOTA_HTTPS_PORT,
    catalogFile: e.FOTA_CATALOG_FILE,
  });
}

export type FotaConfig = ReturnType<typeof loadConfig>;
