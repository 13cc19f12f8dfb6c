import { join } from 'node:path';
import { loadEnv, optional, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** The mobile network operator simulator's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      ...SERVICE_ENV,
      MNO_HTTP_PORT: port(8085),
      MNO_API_KEY: optional(z.string().min(32, 'at least 32 characters').max(256)),
      MNO_OPERATOR_TOKEN: optional(z.string().min(32, 'at least 32 characters').max(256)),
      MNO_COUNTRY_CODE: z
        .string()
        .regex(/^[1-9]\d{0,2}$/)
        .default('254'),
    },
    env,
  );
  return Object.freeze({
    ...serviceBase(e, 'mno'),
    httpPort: e.MNO_HTTP_PORT,
    apiKey: e.MNO_API_KEY,
    apiKeyFile: mnoApiKeyFile(e.DFS_STATE_DIR),
    operatorToken: e.MNO_OPERATOR_TOKEN,
    operatorTokenFile: mnoOperatorTokenFile(e.DFS_STATE_DIR),
    countryCode: e.MNO_COUNTRY_CODE,
  });
}

/** Where the operator API key is kept when MNO_API_KEY is not set (risk reads the same file). */
export const mnoApiKeyFile = (stateDir: string) => join(stateDir, 'keys', 'mno-api.key');

/**
 * Where the operator's own bearer token for its line controls is kept when MNO_OPERATOR_TOKEN is not
 * set: beside the API key's directory, not in it, since risk mounts that one.
 */
export const mnoOperatorTokenFile = (stateDir: string) => join(stateDir, 'operator', 'mno-operator.token');

export type MnoConfig = ReturnType<typeof loadConfig>;
