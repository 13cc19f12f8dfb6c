import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type HttpObservability, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { mountLinesApi, type LinesApiDeps } from './lines.js';
import { mountSimSwapApi } from './sim-swap.js';

/**
 * HTTP edge of the operator: the CAMARA SIM Swap API (http/sim-swap.ts) and the network's own
 * controls the simulation drives (http/lines.ts).
 */
export function mnoHttp(
  deps: LinesApiDeps & { apiKey: string; log: Logger; ready: ReadyCheck; obs?: HttpObservability },
): Express {
  const app = createHttpApp(deps.ready, deps.obs);
  mountSimSwapApi(app, deps);
  mountLinesApi(app, deps);
  finishHttpApp(app, deps.log);
  return app;
}
