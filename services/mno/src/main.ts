import type { EventBus } from '../../../kit/src/events.js';
import { closeHttp, listenEdge } from '../../../kit/src/http.js';
import { openBus } from '../../../kit/src/kafka-bus.js';
import { createLogger } from '../../../kit/src/log.js';
import { createMetrics } from '../../../kit/src/metrics.js';
import { loadOrCreateSecret } from '../../../kit/src/operator-auth.js';
import type { ServeOverrides, ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { loadConfig, type MnoConfig } from './config.js';
import { LineRegistry } from './domain/lines.js';
import { networkEvents, type NetworkEvents } from './events/network-events.js';
import { mnoHttp } from './http/app.js';

/** What a caller may inject at wiring time (tests): the network-event port, the HTTPS policy. */
export interface MnoControls extends Pick<ServeOverrides, 'httpsPolicy'> {
  events?: NetworkEvents;
}

/**
 * Wires and starts the mobile network operator simulator: its
 * line registry, the CAMARA SIM Swap API, and its network events.
 */
export async function startMno(
  config: MnoConfig = loadConfig(),
  shared?: EventBus,
  overrides: MnoControls = {},
): Promise<ServiceHandle> {
  const log = createLogger('mno', config.logLevel);
  const bus = shared ?? (await openBus(config.kafkaBrokers, 'mno', log));
  const lines = new LineRegistry(config.countryCode);
  const events = overrides.events ?? networkEvents(bus);
  const app = mnoHttp({
    lines,
    apiKey: loadOrCreateSecret(config.apiKey, config.apiKeyFile),
    operatorToken: loadOrCreateSecret(config.operatorToken, config.operatorTokenFile),
    now: Date.now,
    log,
    changed: events.simChanged,
    ready: () => bus.ready(),
    obs: { service: 'mno', metrics: createMetrics('mno'), log },
  });
  const http = await listenEdge(
    app,
    config.host,
    config.httpPort,
    config.plainHttp
      ? { plain: true, log, service: 'mno' }
      : { tls: readTls(config.tls), policy: overrides.httpsPolicy },
  );
  log.info({ httpPort: http.port, scheme: http.scheme }, 'mno service listening');
  let stopped: Promise<void> | undefined;
  return {
    name: 'mno',
    grpcPort: 0,
    httpPort: http.port,
    stop: () =>
      (stopped ??= (async () => {
        await closeHttp(http.server);
        if (!shared) await bus.close();
        log.info('mno service stopped');
      })()),
  };
}
