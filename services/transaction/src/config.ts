import { join } from 'node:path';
import { address, loadEnv, optional, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** The transaction service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      ...SERVICE_ENV,
      TRANSACTION_GRPC_PORT: port(50052),
      TRANSACTION_HTTP_PORT: port(8082),
      ATTESTATION_ADDR: address('localhost:50051'),
      RISK_ADDR: address('localhost:50053'),
      RISK_DEADLINE_MS: z.coerce.number().int().min(10).max(10_000).default(300),
      TRANSACTION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(16),
      PAYMENT_FRESHNESS_SEC: z.coerce.number().int().min(5).max(3600).default(120),
      RISK_FAILOPEN_MAX_MINOR: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      DEVICE_STATUS_MAX_AGE_MS: z.coerce.number().int().min(0).max(300_000).default(5000),
      STEP_UP_TTL_SEC: z.coerce.number().int().min(10).max(3600).default(120),
      PENDING_RECOVERY_SEC: z.coerce.number().int().min(1).max(3600).default(60),
      PAYMENT_REQUEST_TTL_SEC: z.coerce
        .number()
        .int()
        .min(30)
        .max(7 * 86_400)
        .default(900),
      AUTH_CODE_TTL_SEC: z.coerce.number().int().min(30).max(86_400).default(600),
      TRANSACTION_INTEGRATORS_FILE: optional(z.string()),
      TRANSACTION_MNO_URL: optional(z.string().url()),
      TRANSACTION_MNO_API_KEY: optional(z.string().min(32, 'at least 32 characters').max(256)),
      TRANSACTION_OPERATOR_TOKEN: optional(z.string().min(32, 'at least 32 characters').max(256)),
      JOURNAL_VERIFY_INTERVAL_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
      INTEGRATOR_RATE_PER_SEC: z.coerce.number().positive().max(10_000).default(10),
      INTEGRATOR_TOKEN_TTL_SEC: z.coerce.number().int().min(30).max(3600).default(300),
      INTEGRATOR_RATE_BURST: z.coerce.number().int().min(1).max(10_000).default(20),
      CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
      CALLBACK_RETRY_SEC: z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 86_400)
        .default(86_400),
      CALLBACK_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
      LEDGER_CURRENCIES: z
        .string()
        /* eslint-disable-next-line security/detect-unsafe-regex --
           linear: every repetition starts with a literal comma, so no input can backtrack */
        .regex(/^[A-Z]{3}(,[A-Z]{3})*$/, 'comma-separated ISO 4217 codes')
        .default('KES,UGX,TZS,NGN,GHS,XOF,ZMW,RWF,INR,USD,EUR'),
      LEDGER_MAX_AMOUNT: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(10_000_000_000),
      LEDGER_TREASURY_FLOAT: z.coerce
        .number()
        .int()
        .positive()
        .max(Number.MAX_SAFE_INTEGER)
        .default(1_000_000_000_000_000),
    },
    env,
  );
  return Object.freeze({
    ...serviceBase(e, 'transaction'),
    grpcPort: e.TRANSACTION_GRPC_PORT,
    httpPort: e.TRANSACTION_HTTP_PORT,
    attestationAddr: e.ATTESTATION_ADDR,
    riskAddr: e.RISK_ADDR,
    riskDeadlineMs: e.RISK_DEADLINE_MS,
    maxInFlight: e.TRANSACTION_MAX_IN_FLIGHT,
    freshnessMs: e.PAYMENT_FRESHNESS_SEC * 1000,
    riskFailOpenMaxMinor: e.RISK_FAILOPEN_MAX_MINOR,
    stepUpTtlMs: e.STEP_UP_TTL_SEC * 1000,
    deviceStatusMaxAgeMs: e.DEVICE_STATUS_MAX_AGE_MS,
    pendingRecoveryMs: e.PENDING_RECOVERY_SEC * 1000,
    requestTtlMs: e.PAYMENT_REQUEST_TTL_SEC * 1000,
    authCodeTtlMs: e.AUTH_CODE_TTL_SEC * 1000,
    mno: e.TRANSACTION_MNO_URL
      ? {
          url: e.TRANSACTION_MNO_URL,
          apiKey: e.TRANSACTION_MNO_API_KEY,
          apiKeyFile: join(e.DFS_STATE_DIR, 'keys', 'mno-api.key'),
          deadlineMs: 800,
        }
      : undefined,
    integratorsFile: e.TRANSACTION_INTEGRATORS_FILE ?? join(e.DFS_STATE_DIR, 'integrators.json'),
    rate: { perSec: e.INTEGRATOR_RATE_PER_SEC, burst: e.INTEGRATOR_RATE_BURST },
    tokenTtlSec: e.INTEGRATOR_TOKEN_TTL_SEC,
    callbackTimeoutMs: e.CALLBACK_TIMEOUT_MS,
    callbackRetryMs: e.CALLBACK_RETRY_SEC * 1000,
    callbackBackoffMs: e.CALLBACK_BACKOFF_MS,
    operatorToken: e.TRANSACTION_OPERATOR_TOKEN,
    operatorTokenFile: join(e.DFS_STATE_DIR, 'keys', 'transaction-operator.token'),
    journalVerifyIntervalMs: e.JOURNAL_VERIFY_INTERVAL_SEC * 1000,
    currencies: new Set(e.LEDGER_CURRENCIES.split(',')) as ReadonlySet<string>,
    maxAmount: e.LEDGER_MAX_AMOUNT,
    treasuryFloat: e.LEDGER_TREASURY_FLOAT,
  });
}

export type TransactionConfig = ReturnType<typeof loadConfig>;
