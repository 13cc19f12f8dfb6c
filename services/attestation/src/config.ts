import { join } from 'node:path';
import { loadEnv, optional, port, SERVICE_ENV, serviceBase, z } from '../../../kit/src/config.js';

/** The attestation service's configuration, from the environment, validated once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      ...SERVICE_ENV,
      ATTESTATION_GRPC_PORT: port(50051),
      ATTESTATION_HTTP_PORT: port(8081),
      ATTESTATION_OEM_ROOTS: optional(z.string()),
      ATTESTATION_STATUS_FILE: optional(z.string()),
      ATTESTATION_DEVICE_TRUST_FILE: optional(z.string()),
      ATTESTATION_POLICY_FILE: z.string().default('config/attestation-policy.json'),
      ATTESTATION_FOTA_CATALOG: z.string().min(1).default('config/fota-catalog.json'),
      ATTESTATION_TOKEN_TTL_SEC: z.coerce.number().int().min(10).max(86_400).default(600),
      ATTESTATION_CHALLENGE_TTL_SEC: z.coerce.number().int().min(1).max(3600).default(120),
      ATTESTATION_TOKEN_KEY_GRACE_SEC: optional(
        z.coerce
          .number()
          .int()
          .min(0)
          .max(7 * 86_400),
      ),
      ATTESTATION_JWKS_MAX_AGE_SEC: z.coerce.number().int().min(1).max(3600).default(60),
      ATTESTATION_OPERATOR_TOKEN: optional(z.string().min(32, 'at least 32 characters').max(256)),
    },
    env,
  );
  const pki = join(e.DFS_STATE_DIR, 'pki');
  return Object.freeze({
    ...serviceBase(e, 'attestation'),
    grpcPort: e.ATTESTATION_GRPC_PORT,
    httpPort: e.ATTESTATION_HTTP_PORT,
    oemRoots: (e.ATTESTATION_OEM_ROOTS ?? join(e.DFS_STATE_DIR, 'oem', 'root.crt'))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    policyFile: e.ATTESTATION_POLICY_FILE,
    deviceTrustFile: e.ATTESTATION_DEVICE_TRUST_FILE ?? join(e.DFS_STATE_DIR, 'oem', 'device-trust.json'),
    statusFile: e.ATTESTATION_STATUS_FILE ?? join(e.DFS_STATE_DIR, 'oem', 'attestation-status.jws'),
    catalogFile: e.ATTESTATION_FOTA_CATALOG,
    tokenTtlSec: e.ATTESTATION_TOKEN_TTL_SEC,
    challengeTtlSec: e.ATTESTATION_CHALLENGE_TTL_SEC,
    tokenKeyGraceSec: e.ATTESTATION_TOKEN_KEY_GRACE_SEC ?? e.ATTESTATION_TOKEN_TTL_SEC,
    jwksMaxAgeSec: e.ATTESTATION_JWKS_MAX_AGE_SEC,
    operatorToken: e.ATTESTATION_OPERATOR_TOKEN,
    operatorTokenFile: join(e.DFS_STATE_DIR, 'keys', 'attestation-operator.token'),
    deviceCa: { cert: join(pki, 'device-ca.crt'), key: join(pki, 'device-ca.key') },
  });
}

export type AttestationConfig = ReturnType<typeof loadConfig>;
