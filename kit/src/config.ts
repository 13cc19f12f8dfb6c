import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema; names each bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once against a schema whose keys are variable names; returns a frozen typed config. */
export function loadEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return Object.freeze(result.data);
}

/** A TCP port variable: 0 picks a free port (tests), default otherwise. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A host:port address variable. */
export const address = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port')
    .default(fallback);

/** An optional variable that treats the empty string as unset. */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export { z };

/** Reads a file a variable points to; a missing or unreadable file is a ConfigError naming the variable. */
export function readConfigFile(path: string, variable: string): Buffer {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the path is a configuration variable set by the operator, read once at start-up */
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([
      `${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        `run \`dfs certs\` or set ${variable}`,
    ]);
  }
}

/**
 * Variables every service reads: state directory, bind address, log level, TLS files, MongoDB, Kafka
 * and the plain-HTTP dev switch.
 */
export const SERVICE_ENV = {
  DFS_STATE_DIR: z.string().min(1).default('.dfs-state'),
  DFS_BIND_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevel,
  TLS_CA_FILE: optional(z.string()),
  TLS_CERT_FILE: optional(z.string()),
  TLS_KEY_FILE: optional(z.string()),
  MONGODB_URI: optional(z.string().url()),
  KAFKA_BROKERS: optional(z.string()),
  DFS_DEV_PLAIN_HTTP: z
    .enum(['0', '1'], { message: "expected '1' (plain HTTP, development only) or '0'" })
    .default('0'),
};

type ServiceEnv = z.output<z.ZodObject<typeof SERVICE_ENV>>;

/** The part of a service's config every service has; mTLS files default to the dev PKI in the state directory. */
export function serviceBase(e: ServiceEnv, service: string) {
  const pki = join(e.DFS_STATE_DIR, 'pki');
  return {
    stateDir: e.DFS_STATE_DIR,
    host: e.DFS_BIND_HOST,
    logLevel: e.LOG_LEVEL,
    tls: {
      ca: e.TLS_CA_FILE ?? join(pki, 'ca.crt'),
      cert: e.TLS_CERT_FILE ?? join(pki, `${service}.crt`),
      key: e.TLS_KEY_FILE ?? join(pki, `${service}.key`),
    },
    /** The dev switch: HTTP ports serve plain HTTP instead of HTTPS (never in production). */
    plainHttp: e.DFS_DEV_PLAIN_HTTP === '1',
    mongodbUri: e.MONGODB_URI,
    kafkaBrokers: e.KAFKA_BROKERS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
