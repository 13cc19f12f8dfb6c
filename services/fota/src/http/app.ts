import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { ReleaseIndex } from '../domain/releases.js';
import { mountPackagesApi } from './packages.js';
import { mountUpdatesApi } from './updates.js';

/** HTTPS edge of the FOTA service: check for an update (http/updates.ts), download packages (http/packages.ts). */
export function fotaHttp(deps: { releases: ReleaseIndex; ready: ReadyCheck; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  mountUpdatesApi(app, deps);
  mountPackagesApi(app, deps);
  finishHttpApp(app, deps.log);
  return app;
}
