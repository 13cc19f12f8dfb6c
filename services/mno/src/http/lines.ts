import type { Express, RequestHandler } from 'express';
import { requireBearer } from '../../../../kit/src/operator-auth.js';
import type { LineChange, LineRegistry } from '../domain/lines.js';

/**
 * What the network's own line controls need: the registry, the operator's bearer token
 * (nobody else may swap, port or remove a subscriber's SIM) and where a SIM change is announced.
 */
export interface LinesApiDeps {
  lines: LineRegistry;
  operatorToken: string;
  now: () => number;
  changed: (msisdn: string, change: LineChange, atMs: number) => Promise<void>;
}

/**
 * The network's own controls the simulation drives, under `/v1/lines`, for the operator's token only
 * (MNO_UNAUTHENTICATED otherwise): new line (answers the new SIM card, IMSI included: what the
 * subscriber is handed to put in the phone), swap and port (answer the number and when its SIM
 * changed, never the new card's IMSI), remove SIM.
 */
export function mountLinesApi(app: Express, deps: LinesApiDeps): void {
  app.use('/v1/lines', requireBearer(deps.operatorToken, 'MNO_UNAUTHENTICATED'));
  app.post('/v1/lines', (_req, res) => {
    res.status(201).json(deps.lines.provision());
  });
  const change =
    (kind: 'swapped' | 'ported'): RequestHandler =>
    async (req, res) => {
      const { msisdn } = deps.lines.change(String(req.params.msisdn));
      await deps.changed(msisdn, kind, deps.now());
      res.json({ msisdn, latestSimChange: new Date(deps.lines.get(msisdn).latestSimChangeMs).toISOString() });
    };
  app.post('/v1/lines/:msisdn/swap', change('swapped'));
  app.post('/v1/lines/:msisdn/port', change('ported'));
  app.delete('/v1/lines/:msisdn/sim', async (req, res) => {
    const msisdn = String(req.params.msisdn);
    deps.lines.remove(msisdn);
    await deps.changed(msisdn, 'removed', deps.now());
    res.status(204).end();
  });
}
