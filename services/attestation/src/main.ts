import { contracts } from '../../../kit/src/contracts.js';
import { readConfigFile } from '../../../kit/src/config.js';
import { loadOrCreateSigningKey } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { loadIssuer } from '../../../kit/src/pki.js';
import { serve, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { x509 } from '../../../kit/src/x509.js';
import { loadConfig, type AttestationConfig } from './config.js';
import { loadPolicy } from './domain/policy.js';
import { attestationHandlers } from './grpc/handlers.js';
import { attestationHttp } from './http/app.js';
import { memoryAttestationStore } from './store/memory.js';

/** Wires and starts the attestation service. */
export async function startAttestation(config: AttestationConfig = loadConfig()): Promise<ServiceHandle> {
  const log = createLogger('attestation', config.logLevel);
  const policy = loadPolicy(config.policyFile);
  const roots = config.oemRoots.map((f) => new x509.X509Certificate(readConfigFile(f, 'ATTESTATION_OEM_ROOTS').toString('utf8')));
  const tls = readTls(config.tls);
  const deviceCa = await loadIssuer(config.deviceCa.cert, config.deviceCa.key);
  const tokenKey = await loadOrCreateSigningKey(config.stateDir, 'attestation-token');
  const store = memoryAttestationStore();
  const deps = {
    store, roots, policy, deviceCa, log,
    tokenKey: () => tokenKey,
    publishedKeys: () => [tokenKey],
    tokenTtlSec: config.tokenTtlSec,
    challengeTtlSec: config.challengeTtlSec,
    now: Date.now,
  };
  return serve({
    name: 'attestation', host: config.host, grpcPort: config.grpcPort, httpPort: config.httpPort, tls, log,
    grpcServices: [{ name: 'dfs.v1.AttestationService', definition: contracts().AttestationService.service, impl: attestationHandlers(deps) }],
    http: attestationHttp({ ready: () => store.ready(), publishedKeys: deps.publishedKeys, log }),
    release: () => store.close(),
  });
}
