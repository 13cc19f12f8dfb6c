import type { Express } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import type { ReleaseIndex } from '../domain/releases.js';

const CheckRequest = z.object({ model: z.string().min(1).max(64), version: z.number().int().nonnegative() }).strict();

/** `POST /v1/updates/check`: the release a phone of this model at this version should install, if any. */
export function mountUpdatesApi(app: Express, deps: { releases: ReleaseIndex }): void {
  app.post('/v1/updates/check', (req, res) => {
    const parsed = CheckRequest.safeParse(req.body);
    if (!parsed.success) throw new DfsError('INVALID_ARGUMENT', 'expected {model, version}');
    res.json(deps.releases.check(parsed.data.model, parsed.data.version));
  });
}
