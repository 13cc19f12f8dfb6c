import { loadConfig as attestationConfig } from '../services/attestation/src/config.js';
import { loadConfig as fotaConfig } from '../services/fota/src/config.js';
import { loadConfig as riskConfig } from '../services/risk/src/config.js';
import { loadConfig as transactionConfig } from '../services/transaction/src/config.js';
import type { PortVariableOf } from './failure.js';

const SERVICES = [
  { prefix: 'ATTESTATION', load: attestationConfig },
  { prefix: 'TRANSACTION', load: transactionConfig },
  { prefix: 'RISK', load: riskConfig },
] as const;

/** Names the variable that set a port, reading each service's config (its defaults included) from `env`. */
export function portVariables(env: NodeJS.ProcessEnv = process.env): PortVariableOf {
  return (port) => {
    for (const { prefix, load } of SERVICES) {
      let config: { grpcPort: number; httpPort: number };
      try {
        config = load(env);
      } catch {
        continue;
      }
      if (config.grpcPort === port) return `${prefix}_GRPC_PORT`;
      if (config.httpPort === port) return `${prefix}_HTTP_PORT`;
    }
    try {
      if (fotaConfig(env).httpsPort === port) return 'FOTA_HTTPS_PORT';
    } catch {
      return undefined;
    }
    return undefined;
  };
}
