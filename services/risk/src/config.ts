import { loadEnv, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** The risk service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv({
    ...SERVICE_ENV,
    RISK_GRPC_PORT: port(50053),
    RISK_HTTP_PORT: port(8083),
    RISK_RULES_FILE: z.string().default('config/risk-rules.json'),
  }, env);
  return Object.freeze({
    ...serviceBase(e, 'risk'),
    grpcPort: e.RISK_GRPC_PORT,
    httpPort: e.RISK_HTTP_PORT,
    rulesFile: e.RISK_RULES_FILE,
  });
}

export type RiskConfig = ReturnType<typeof loadConfig>;
