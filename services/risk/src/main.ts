import { contracts } from '../../../kit/src/contracts.js';
import type { EventBus } from '../../../kit/src/events.js';
import { openBus } from '../../../kit/src/kafka-bus.js';
import { createLogger } from '../../../kit/src/log.js';
import { loadOrCreateSecret } from '../../../kit/src/operator-auth.js';
import type { AuthorizeCaller } from '../../../kit/src/grpc-server.js';
import { serve, type ServeOverrides, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { trustCaForFetch } from '../../../kit/src/tls-policy.js';
import { readFileSync } from 'node:fs';
import { loadConfig, type RiskConfig } from './config.js';
import type { RulesInForce } from './domain/decide.js';
import type { SimSwapOperator } from './domain/operator.js';
import { atomicReservations, type ReservationStrategy } from './domain/reserve.js';
import { subscribeFeatures } from './events/consumer.js';
import { riskHandlers } from './grpc/handlers.js';
import { riskHttp } from './http/app.js';
import { camaraSimSwap } from './http/camara-client.js';
import { rulesSource } from './rules-file.js';
import { openFeatureStore } from './store/index.js';
import type { FeatureStore } from './store/ports.js';
import { riskMetrics } from './metrics.js';
import { createMetrics } from '../../../kit/src/metrics.js';
import { observedBus } from '../../../kit/src/observed-bus.js';

/**
 * The risk service's controls and ports that wiring may replace; production passes none and gets the secure defaults.
 */
export interface RiskControls {
  /** Who may call Assess (default byIdentity: only the transaction service's SPIFFE ID). */
  authorizeCaller?: AuthorizeCaller;
  /** The feature and decision store (default: from the configuration; its decision trails are append-only). */
  store?: FeatureStore;
  /** A wrapper around the store this service opens (closed on stop like the store itself). */
  wrapStore?: (store: FeatureStore) => FeatureStore;
  /**
   * How approved payments are held against their windows (default
   * atomicReservations: one conditional update per bucket).
   */
  reservations?: ReservationStrategy;
  /** The operator's SIM Swap answer in place of the CAMARA client. */
  operator?: SimSwapOperator;
}

/**
 * Wires and starts the risk service: rules from the file (followed, and reloaded on SIGHUP), features
 * from the bus.
 */
export async function startRisk(
  config: RiskConfig = loadConfig(),
  shared?: EventBus,
  test: ServeOverrides & RiskControls = {},
): Promise<ServiceHandle> {
  const log = createLogger('risk', config.logLevel);
  const metrics = createMetrics('risk');
  const bus = observedBus(shared ?? (await openBus(config.kafkaBrokers, 'risk', log)), 'risk', metrics);
  const rules = rulesSource(config.rulesFile);
  const tls = readTls(config.tls);
  const store = test.store ?? (test.wrapStore ?? ((s: FeatureStore) => s))(await openFeatureStore(config, log));
  const reservations = (test.reservations ?? atomicReservations)(store);
  const mno = config.mno;
  if (mno) trustCaForFetch(tls.ca);
  const operator =
    test.operator ??
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the operator API key file is a fixed name under the validated state directory */
    (mno && camaraSimSwap({ ...mno, apiKey: () => mno.apiKey ?? readFileSync(mno.apiKeyFile, 'utf8').trim() }));
  await subscribeFeatures(bus, store, log, reservations);
  const taken = (r: RulesInForce) => log.info({ rulesetId: r.id }, 'risk rules reloaded');
  const refused = (err: unknown) => log.warn({ err }, 'risk rules reload refused; previous rules stay in force');
  const onHup = () => {
    try {
      taken(rules.reload());
    } catch (err) {
      refused(err);
    }
  };
  let unfollow = () => {};
  const handle = await serve({
    name: 'risk',
    host: config.host,
    grpcPort: config.grpcPort,
    httpPort: config.httpPort,
    tls,
    plainHttp: config.plainHttp,
    log,
    grpcServices: [
      {
        name: 'dfs.v1.RiskService',
        definition: contracts().RiskService.service,
        impl: riskHandlers({
          rules,
          store,
          reservations,
          operator,
          log,
          now: Date.now,
          authorizeCaller: test.authorizeCaller,
          onDecision: riskMetrics(metrics),
        }),
      },
    ],
    http: riskHttp({
      ready: async () => (await store.ready()) && (await bus.ready()),
      rules,
      store,
      log,
      operatorToken: loadOrCreateSecret(config.operatorToken, config.operatorTokenFile),
      obs: { service: 'risk', metrics, log },
    }),
    metrics,
    serverCredentials: test.serverCredentials,
    httpsPolicy: test.httpsPolicy,
    release: async () => {
      process.off('SIGHUP', onHup);
      unfollow();
      await store.close();
      if (!shared) await bus.close();
    },
  });
  process.on('SIGHUP', onHup);
  if (config.rulesCheckMs > 0) unfollow = rules.follow(config.rulesCheckMs, { taken, refused });
  return handle;
}
