import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request durations: 1 ms to 10 s. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One service's Prometheus registry (its own, so the embedded stack's three services in one process
 * each serve theirs) with what every service measures: RPCs and HTTP routes (rate, errors, duration)
 * and event consumption. Labels are bounded: method and route templates, stable codes, topics.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return {
    registry,
    rpcDuration: new Histogram({
      name: 'dfs_rpc_server_duration_seconds',
      help: 'gRPC server calls by method and outcome code (OK or the stable error code)',
      labelNames: ['method', 'code'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'dfs_http_server_duration_seconds',
      help: 'HTTP requests by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    consumed: new Counter({
      name: 'dfs_bus_events_consumed_total',
      help: 'Bus events handled by this service, by topic, group and outcome',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'dfs_bus_consumer_lag_seconds',
      help: 'Age of the last event a consumer handled when it handled it (how far behind it runs)',
      labelNames: ['topic', 'group'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The route template a request matched (`/v1.2/mm/accounts/:identifierType/:identifier/balance`), or
 * `unmatched`: what logs, spans and metrics name a request by, never its concrete path, which carries
 * MSISDNs, wallet and transaction ids. Read when the response ends, `req.baseUrl` is that of the last
 * mount the request went through: for a route registered with its full path whose error was handled
 * by a handler mounted under that path's base, the base is already in the template, so not added again.
 */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return path.startsWith(req.baseUrl) ? path : `${req.baseUrl}${path}`;
}

/** Express middleware: observes every request's duration under its route template (never the raw path). */
export function httpMetrics(m: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = m.httpDuration.startTimer({ method: req.method });
    res.once('finish', () => end({ route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}
