import type { Express } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { createHttpApp, finishHttpApp, type ReadyCheck } from '../../../../kit/src/http.js';
import type { Logger } from '../../../../kit/src/log.js';
import { byteRange, type ReleaseIndex } from '../domain/releases.js';

const CheckRequest = z.object({ model: z.string().min(1).max(64), version: z.number().int().nonnegative() }).strict();
const Version = z.coerce.number().int().positive();

/** HTTPS edge of the FOTA service: check for an update, download packages (byte ranges, so phones resume). */
export function fotaHttp(deps: { releases: ReleaseIndex; ready: ReadyCheck; log: Logger }): Express {
  const app = createHttpApp(deps.ready);
  app.post('/v1/updates/check', (req, res) => {
    const parsed = CheckRequest.safeParse(req.body);
    if (!parsed.success) throw new DfsError('INVALID_ARGUMENT', 'expected {model, version}');
    res.json(deps.releases.check(parsed.data.model, parsed.data.version));
  });
  const download = (
    model: string,
    version: unknown,
    base: unknown,
    range: string | undefined,
    res: import('express').Response,
  ) => {
    const v = Version.safeParse(version);
    const b = base === undefined ? undefined : Version.safeParse(base);
    if (!v.success || (b && !b.success)) throw new DfsError('INVALID_ARGUMENT', 'version');
    const pkg = deps.releases.package(model, v.data, b?.data);
    const r = byteRange(range, pkg.bytes.length);
    res.set({ 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes' });
    if (!r) {
      res.send(pkg.bytes);
      return;
    }
    res
      .status(206)
      .set('Content-Range', `bytes ${r.start}-${r.end}/${pkg.bytes.length}`)
      .send(pkg.bytes.subarray(r.start, r.end + 1));
  };
  app.get('/v1/packages/:model/:version/full', (req, res) =>
    download(req.params.model, req.params.version, undefined, req.get('range'), res),
  );
  app.get('/v1/packages/:model/:version/diff/:base', (req, res) =>
    download(req.params.model, req.params.version, req.params.base, req.get('range'), res),
  );
  finishHttpApp(app, deps.log);
  return app;
}
