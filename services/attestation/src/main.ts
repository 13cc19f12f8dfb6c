import { contracts } from '../../../kit/src/contracts.js';
import { readConfigFile } from '../../../kit/src/config.js';
import type { EventBus } from '../../../kit/src/events.js';
import { loadCatalog } from '../../../kit/src/fota-catalog.js';
import { openBus } from '../../../kit/src/kafka-bus.js';
import { createLogger } from '../../../kit/src/log.js';
import { loadIssuer } from '../../../kit/src/pki.js';
import { serve, type ServeOverrides, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { x509 } from '../../../kit/src/x509.js';
import { loadConfig, type AttestationConfig } from './config.js';
import { levelFromChain, type DeriveLevel, type TrustAnchors } from './domain/chain.js';
import { loadDeviceTrust } from './domain/device-trust.js';
import { loadPolicy, type Policy } from './domain/policy.js';
import { NO_WEAKER_KEY, SIGNED_FACTS, type KeyReplacement, type SignedFacts } from './domain/posture.js';
import { statusInForce, type StatusListSource } from './domain/status-list.js';
import { statusListFile } from './status-file.js';
import { openTokenKeyRing } from './token-key-file.js';
import { busDeviceEvents } from './events/device-events.js';
import { attestationHandlers } from './grpc/handlers.js';
import { attestationHttp } from './http/app.js';
import { loadOrCreateSecret } from '../../../kit/src/operator-auth.js';
import { openAttestationStore } from './store/index.js';
import type { AttestationStore } from './store/ports.js';
import { enrollmentOutcomes } from './metrics.js';
import { createMetrics } from '../../../kit/src/metrics.js';
import { observedBus } from '../../../kit/src/observed-bus.js';

/** The attestation service's controls that wiring may replace; production passes none and gets the secure defaults. */
export interface AttestationControls {
  /** How the attested key's security level is derived (default levelFromChain: the OEM CA's policy OID). */
  deriveLevel?: DeriveLevel;
  /** Where the attestation status list comes from (default: the OEM-signed file ATTESTATION_STATUS_FILE). */
  statusList?: StatusListSource;
  /** How reported boot key, app signer and patch level are bound to signed data (default SIGNED_FACTS). */
  signedFacts?: SignedFacts;
  /** Whether a new key may replace a device's registered one (default NO_WEAKER_KEY: never a weaker chain). */
  keyReplacement?: KeyReplacement;
}

/**
 * What a caller may inject at wiring time besides the controls above: how the
 * pinned trust anchors are used, the policy, the store and the edge credentials.
 */
export interface AttestationOverrides extends ServeOverrides {
  anchors?: (pinned: TrustAnchors) => TrustAnchors;
  policy?: (loaded: Policy) => Policy;
  wrapStore?: (store: AttestationStore) => AttestationStore;
}

/** Wires and starts the attestation service; device events go to `bus` (share one bus across embedded services). */
export async function startAttestation(
  config: AttestationConfig = loadConfig(),
  shared?: EventBus,
  test: AttestationOverrides & AttestationControls = {},
): Promise<ServiceHandle> {
  const log = createLogger('attestation', config.logLevel);
  const metrics = createMetrics('attestation');
  const bus = observedBus(shared ?? (await openBus(config.kafkaBrokers, 'attestation', log)), 'attestation', metrics);
  const policy = (test.policy ?? ((p: Policy) => p))(loadPolicy(config.policyFile));
  const catalog = loadCatalog(config.catalogFile);
  const roots = config.oemRoots.map(
    (f) => new x509.X509Certificate(readConfigFile(f, 'ATTESTATION_OEM_ROOTS').toString('utf8')),
  );
  const tls = readTls(config.tls);
  const deviceCa = await loadIssuer(config.deviceCa.cert, config.deviceCa.key);
  const keyRing = await openTokenKeyRing(config.stateDir, config.tokenKeyGraceSec * 1000, { log });
  const operatorToken = loadOrCreateSecret(config.operatorToken, config.operatorTokenFile);
  const trust = await loadDeviceTrust(config.deviceTrustFile);
  const store = (test.wrapStore ?? ((s: AttestationStore) => s))(await openAttestationStore(config, log));
  const now = Date.now;
  const events = busDeviceEvents(bus, log, now);
  const deps = {
    store,
    policy,
    catalog,
    trust,
    deviceCa,
    log,
    events,
    keyRing,
    now,
    deriveLevel: test.deriveLevel ?? levelFromChain,
    facts: test.signedFacts ?? SIGNED_FACTS,
    replacement: test.keyReplacement ?? NO_WEAKER_KEY,
    anchors: (test.anchors ?? ((a: TrustAnchors) => a))({
      roots,
      revokedSerials: new Set(policy.revokedCertificateSerials),
    }),
    tokenKey: () => keyRing.current(),
    tokenTtlSec: config.tokenTtlSec,
    challengeTtlSec: config.challengeTtlSec,
    jwksMaxAgeSec: config.jwksMaxAgeSec,
    onEnroll: enrollmentOutcomes(metrics, log),
    followStatus: () => status.follow(),
  };
  const status = statusInForce({
    ...deps,
    source: test.statusList ?? statusListFile(config.statusFile, roots),
    policySerials: policy.revokedCertificateSerials,
  });
  const reloadStatus = () => status.load(false);
  await status.load(true);
  log.info(
    { policyVersion: policy.version, roots: roots.length, catalogVersion: catalog.version },
    'attestation policy loaded',
  );
  return serve({
    name: 'attestation',
    host: config.host,
    grpcPort: config.grpcPort,
    httpPort: config.httpPort,
    tls,
    plainHttp: config.plainHttp,
    log,
    grpcServices: [
      {
        name: 'dfs.v1.AttestationService',
        definition: contracts().AttestationService.service,
        impl: attestationHandlers(deps),
      },
    ],
    http: attestationHttp({
      ...deps,
      operatorToken,
      reloadStatus,
      obs: { service: 'attestation', metrics, log },
      ready: async () => (await store.ready()) && (await bus.ready()),
    }),
    metrics,
    serverCredentials: test.serverCredentials,
    httpsPolicy: test.httpsPolicy,
    release: async () => {
      keyRing.close();
      await store.close();
      if (!shared) await bus.close();
    },
  });
}
