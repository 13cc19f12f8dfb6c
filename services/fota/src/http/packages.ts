import type { Express, Response } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { byteRange, type ReleaseIndex } from '../domain/releases.js';

const Version = z.coerce.number().int().positive();

/** Package downloads, full or a diff from a base version, in byte ranges so phones resume. */
export function mountPackagesApi(app: Express, deps: { releases: ReleaseIndex }): void {
  const download = (model: string, version: unknown, base: unknown, range: string | undefined, res: Response) => {
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
}
