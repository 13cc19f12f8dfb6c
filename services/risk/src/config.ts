import { join } from 'node:path';
import { loadEnv, optional, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** Where the risk service keeps its generated operator token when RISK_OPERATOR_TOKEN is not set. */
export const riskOperatorTokenFile = (stateDir: string) => join(stateDir, 'keys', 'risk-operator.token');

/** The risk service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      ...SERVICE_ENV,
      RISK_GRPC_PORT: port(50053),
      RISK_HTTP_PORT: port(8083),
      RISK_RULES_FILE: z.string().default('config/risk-rules.json'),
      RISK_RULES_CHECK_MS: z.coerce
        .number()
        .int()
        .refine((ms) => ms === 0 || (ms >= 100 && ms <= 3_600_000), '0 (off) or 100 to 3600000')
        .default(2000),
      RISK_MNO_URL: optional(z.string().url()),
      RISK_MNO_API_KEY: optional(z.string().min(32, 'at least 32 characters').max(256)),
      RISK_MNO_API_KEY_FILE: optional(z.string().min(1)),
      RISK_MNO_DEADLINE_MS: z.coerce.number().int().min(10).max(10_000).default(200),
      RISK_MNO_CACHE_SEC: z.coerce.number().int().min(0).max(3600).default(30),
      RISK_OPERATOR_TOKEN: optional(z.string().min(32, 'at least 32 characters').max(256)),
    },
    env,
  );
  return Object.freeze({
    ...serviceBase(e, 'risk'),
    grpcPort: e.RISK_GRPC_PORT,
    httpPort: e.RISK_HTTP_PORT,
    rulesFile: e.RISK_RULES_FILE,
    /** How often the rule file is re-read and a changed one taken; 0: only on SIGHUP or a reload call. */
    rulesCheckMs: e.RISK_RULES_CHECK_MS,
    operatorToken: e.RISK_OPERATOR_TOKEN,
    operatorTokenFile: riskOperatorTokenFile(e.DFS_STATE_DIR),
    mno: e.RISK_MNO_URL
      ? {
          url: e.RISK_MNO_URL,
          apiKey: e.RISK_MNO_API_KEY,
          apiKeyFile: e.RISK_MNO_API_KEY_FILE ?? join(e.DFS_STATE_DIR, 'keys', 'mno-api.key'),
          deadlineMs: e.RISK_MNO_DEADLINE_MS,
          cacheMs: e.RISK_MNO_CACHE_SEC * 1000,
        }
      : undefined,
  });
}

export type RiskConfig = ReturnType<typeof loadConfig>;
