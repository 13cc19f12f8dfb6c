import { createServer, type Server } from 'node:https';
import { buildReleases, oemBuildKeys } from '../../../device-sim/src/firmware.js';
import { loadCatalog } from '../../../kit/src/fota-catalog.js';
import { createLogger } from '../../../kit/src/log.js';
import type { ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { httpsServerOptions, type ServerTlsPolicy } from '../../../kit/src/tls-policy.js';
import { loadConfig, type FotaConfig } from './config.js';
import { ReleaseIndex } from './domain/releases.js';
import { fotaHttp } from './http/app.js';

/**
 * Wires and starts the FOTA service: loads the release catalog, builds and signs its packages with
 * the simulated OEM's build and release keys (state directory), and serves them over HTTPS with the
 * dev PKI under the stack's TLS policy (kit/src/tls-policy.ts; 000 §Kai FOTA). It has no gRPC edge: `grpcPort` is 0.
 */
export async function startFota(
  config: FotaConfig = loadConfig(),
  policy?: ServerTlsPolicy,
): Promise<ServiceHandle & { httpsUrl: string }> {
  const log = createLogger('fota', config.logLevel);
  const catalog = loadCatalog(config.catalogFile);
  const tls = readTls(config.tls);
  const keys = await oemBuildKeys(config.stateDir);
  const releases = new ReleaseIndex(catalog, await buildReleases(config.stateDir, keys, catalog));
  let draining = false;
  const app = fotaHttp({ releases, log, ready: () => !draining });
  const server: Server = createServer(httpsServerOptions(tls, policy), app);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpsPort, config.host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : config.httpsPort);
    });
  });
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  log.info(
    { httpsPort: port, catalog: catalog.version, models: Object.keys(catalog.models).length },
    'fota service listening',
  );
  let stopped: Promise<void> | undefined;
  return {
    name: 'fota',
    grpcPort: 0,
    httpPort: port,
    httpsUrl: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stop: () =>
      (stopped ??= (async () => {
        draining = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        log.info('fota service stopped');
      })()),
  };
}
