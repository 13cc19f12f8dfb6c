import { join } from 'node:path';
import { loadEnv, logLevel, optional, port, z } from '../../../kit/src/config.js';

/** The risk service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv({
    DFS_STATE_DIR: z.string().min(1).default('.dfs-state'),
    DFS_BIND_HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: logLevel,
    RISK_GRPC_PORT: port(50053),
    RISK_HTTP_PORT: port(8083),
    RISK_RULES_FILE: z.string().default('config/risk-rules.json'),
    TLS_CA_FILE: optional(z.string()),
    TLS_CERT_FILE: optional(z.string()),
    TLS_KEY_FILE: optional(z.string()),
    MONGODB_URI: optional(z.string().url()),
    KAFKA_BROKERS: optional(z.string()),
  }, env);
  const pki = join(e.DFS_STATE_DIR, 'pki');
  return Object.freeze({
    stateDir: e.DFS_STATE_DIR,
    host: e.DFS_BIND_HOST,
    logLevel: e.LOG_LEVEL,
    grpcPort: e.RISK_GRPC_PORT,
    httpPort: e.RISK_HTTP_PORT,
    rulesFile: e.RISK_RULES_FILE,
    tls: { ca: e.TLS_CA_FILE ?? join(pki, 'ca.crt'), cert: e.TLS_CERT_FILE ?? join(pki, 'risk.crt'), key: e.TLS_KEY_FILE ?? join(pki, 'risk.key') },
    mongodbUri: e.MONGODB_URI,
    kafkaBrokers: e.KAFKA_BROKERS?.split(',').map((s) => s.trim()).filter(Boolean),
  });
}

export type RiskConfig = ReturnType<typeof loadConfig>;
