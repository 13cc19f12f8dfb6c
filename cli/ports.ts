import { loadConfig as attestationConfig } from '../services/attestation/src/config.js';
import { loadConfig as fotaConfig } from '../services/fota/src/config.js';
import { loadConfig as mnoConfig } from '../services/mno/src/config.js';
import { loadConfig as riskConfig } from '../services/risk/src/config.js';
import { loadConfig as transactionConfig } from '../services/transaction/src/config.js';
import { loadConsoleConfig } from './console/config.js';
import type { PortVariableOf } from './failure.js';

type Env = NodeJS.ProcessEnv;

/** Each port variable with the port its service's config (defaults included) reads from an environment. */
const PORTS: readonly (readonly [string, (env: Env) => number])[] = [
  ['MNO_HTTP_PORT', (e) => mnoConfig(e).httpPort],
  ['RISK_GRPC_PORT', (e) => riskConfig(e).grpcPort],
  ['RISK_HTTP_PORT', (e) => riskConfig(e).httpPort],
  ['ATTESTATION_GRPC_PORT', (e) => attestationConfig(e).grpcPort],
  ['ATTESTATION_HTTP_PORT', (e) => attestationConfig(e).httpPort],
  ['TRANSACTION_GRPC_PORT', (e) => transactionConfig(e).grpcPort],
  ['TRANSACTION_HTTP_PORT', (e) => transactionConfig(e).httpPort],
  ['FOTA_HTTPS_PORT', (e) => fotaConfig(e).httpsPort],
  ['CONSOLE_PORT', (e) => loadConsoleConfig(e).port],
];

/** Names the variable that set a port; a service whose config does not load names none. */
export function portVariables(env: Env = process.env): PortVariableOf {
  return (port) =>
    PORTS.find(([, read]) => {
      try {
        return read(env) === port;
      } catch {
        return false;
      }
    })?.[0];
}
