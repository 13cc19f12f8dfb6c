import { join } from 'node:path';
import { loadConfig as attestationConfig } from '../services/attestation/src/config.js';
import { loadConfig as fotaConfig } from '../services/fota/src/config.js';
import { startFota } from '../services/fota/src/main.js';
import {
  startAttestation,
  type AttestationControls,
  type AttestationOverrides,
} from '../services/attestation/src/main.js';
import { loadConfig as mnoConfig } from '../services/mno/src/config.js';
import { startMno, type MnoControls } from '../services/mno/src/main.js';
import { loadConfig as riskConfig } from '../services/risk/src/config.js';
import { startRisk, type RiskControls } from '../services/risk/src/main.js';
import { loadConfig as transactionConfig } from '../services/transaction/src/config.js';
import { startTransaction, type TransactionOverrides } from '../services/transaction/src/main.js';
import type { EventBus } from '../kit/src/events.js';
import { openBus } from '../kit/src/kafka-bus.js';
import { loadOrCreateSecret } from '../kit/src/operator-auth.js';
import { ensureDevPki, type PkiPaths } from '../kit/src/pki.js';
import type { ServeOverrides, ServiceHandle } from '../kit/src/service.js';
import { trustCaForFetch, type ServerTlsPolicy } from '../kit/src/tls-policy.js';
import { readFileSync } from 'node:fs';

/** The port variables of the services and the console. */
export const PORT_VARS = [
  'ATTESTATION_GRPC_PORT',
  'ATTESTATION_HTTP_PORT',
  'TRANSACTION_GRPC_PORT',
  'TRANSACTION_HTTP_PORT',
  'RISK_GRPC_PORT',
  'RISK_HTTP_PORT',
  'FOTA_HTTPS_PORT',
  'MNO_HTTP_PORT',
  'CONSOLE_PORT',
] as const;

/** Every service port set to 0: each binds a free port (tests, load runs). */
export const FREE_PORTS: Record<(typeof PORT_VARS)[number], string> = Object.fromEntries(
  PORT_VARS.map((v) => [v, '0']),
) as Record<(typeof PORT_VARS)[number], string>;

/** Controls a test stack replaces at wiring time (threat sabotage checks); `dfs start` passes none. */
export interface StackControls {
  attestation?: AttestationControls & AttestationOverrides;
  transaction?: Omit<TransactionOverrides, 'store'>;
  risk?: RiskControls & ServeOverrides;
  mno?: MnoControls;
  fota?: { httpsPolicy?: ServerTlsPolicy };
}

/** The same, under the name the threat demonstrations use. */
export type StackOverrides = StackControls;

/** A running embedded stack: the three services on real sockets with mTLS, and the mobile operator, in one process. */
export interface Stack {
  pki: PkiPaths;
  stateDir: string;
  services: ServiceHandle[];
  attestationAddr: string;
  transactionAddr: string;
  riskAddr: string;
  /** The FOTA service's HTTPS base URL (dev PKI server certificate; phones pin the dev CA). */
  fotaUrl: string;
  /** The mobile network operator's HTTPS API (CAMARA SIM Swap, and the network controls the simulation drives). */
  mnoUrl: string;
  /** The operator's token for those network controls (MNO_OPERATOR_TOKEN, or the one generated in the state dir). */
  mnoToken: string;
  /** `https`, or `http` when the dev switch DFS_DEV_PLAIN_HTTP=1 is on: the scheme of every HTTP port but FOTA's. */
  httpScheme: 'https' | 'http';
  /** The one event bus every service publishes to and consumes from: in process, or Kafka when KAFKA_BROKERS is set. */
  bus: EventBus;
  stop(): Promise<void>;
}

/**
 * Starts the embedded default: dev PKI in the state directory (this process's `fetch` then trusts its
 * CA), then risk, attestation and transaction, each with its own gRPC (mTLS) and HTTPS ports, sharing
 * one event bus (Kafka with KAFKA_BROKERS).
 * `ephemeral` binds every port to 0 (tests); otherwise the env or the documented defaults apply.
 * `controls` replaces ports of the services at wiring time; `dfs start` and `dfs service` never pass any.
 */
export async function startStack(
  opts: {
    stateDir?: string;
    ephemeral?: boolean;
    env?: NodeJS.ProcessEnv;
    controls?: StackControls;
    /** False in the workers of `dfs serve --workers N` but the first: one MNO and one FOTA simulator for all. */
    simulators?: boolean;
  } = {},
): Promise<Stack> {
  const stateDir = opts.stateDir ?? process.env.DFS_STATE_DIR ?? '.dfs-state';
  const pki = await ensureDevPki(stateDir);
  trustCaForFetch(readFileSync(pki.ca));
  const zero = opts.ephemeral ? FREE_PORTS : {};
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, ...zero, DFS_STATE_DIR: stateDir };
  const services: ServiceHandle[] = [];
  const brokers = env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const bus = await openBus(brokers, 'dfs-stack', undefined, env.KAFKA_NAMESPACE || undefined);
  const stop = async () => {
    for (const s of services.reverse()) await s.stop();
    await bus.close();
  };
  try {
    const host = env.DFS_BIND_HOST && env.DFS_BIND_HOST !== '0.0.0.0' ? env.DFS_BIND_HOST : '127.0.0.1';
    const simulators = opts.simulators ?? true;
    const mno = simulators ? await startMno(mnoConfig(env), bus, opts.controls?.mno) : null;
    if (mno) services.push(mno);
    const httpScheme = mnoConfig(env).plainHttp ? 'http' : 'https';
    const mnoUrl = `${httpScheme}://${host}:${mno?.httpPort ?? mnoConfig(env).httpPort}`;
    const risk = await startRisk(riskConfig({ RISK_MNO_URL: mnoUrl, ...env }), bus, { ...opts.controls?.risk });
    services.push(risk);
    const attestation = await startAttestation(
      attestationConfig({ ATTESTATION_OEM_ROOTS: join(stateDir, 'oem', 'root.crt'), ...env }),
      bus,
      { ...opts.controls?.attestation },
    );
    services.push(attestation);
    const attestationAddr = `${host}:${attestation.grpcPort}`;
    const riskAddr = `${host}:${risk.grpcPort}`;
    const transaction = await startTransaction(
      transactionConfig({
        TRANSACTION_MNO_URL: mnoUrl,
        ...env,
        ATTESTATION_ADDR: attestationAddr,
        RISK_ADDR: riskAddr,
      }),
      bus,
      { ...opts.controls?.transaction },
    );
    services.push(transaction);
    const fota = simulators ? await startFota(fotaConfig(env), opts.controls?.fota?.httpsPolicy) : null;
    if (fota) services.push(fota);
    return {
      pki,
      stateDir,
      services,
      bus,
      attestationAddr,
      riskAddr,
      transactionAddr: `${host}:${transaction.grpcPort}`,
      fotaUrl: fota?.httpsUrl ?? `https://${host}:${fotaConfig(env).httpsPort}`,
      mnoUrl,
      mnoToken: loadOrCreateSecret(mnoConfig(env).operatorToken, mnoConfig(env).operatorTokenFile),
      httpScheme,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
