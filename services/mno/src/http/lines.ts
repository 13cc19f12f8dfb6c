import type { Express, RequestHandler } from 'express';
import type { LineChange, LineRegistry } from '../domain/lines.js';

/** What the network's own line controls need: the registry and where a SIM change is announced. */
export interface LinesApiDeps {
  lines: LineRegistry;
  now: () => number;
  changed: (msisdn: string, change: LineChange, atMs: number) => Promise<void>;
}

/** The network's own controls the simulation drives, under `/v1/lines`: new line, swap, port, remove SIM. */
export function mountLinesApi(app: Express, deps: LinesApiDeps): void {
  app.post('/v1/lines', (_req, res) => {
    res.status(201).json(deps.lines.provision());
  });
  const change =
    (kind: 'swapped' | 'ported'): RequestHandler =>
    async (req, res) => {
      const sim = deps.lines.change(String(req.params.msisdn));
      await deps.changed(sim.msisdn, kind, deps.now());
      res.json(sim);
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
