import type { Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { DfsError, describeError } from './errors.js';
import type { Logger } from './log.js';
import { httpMetrics, routeOf, type Metrics } from './metrics.js';
import { contextFrom, SpanKind } from './tracing.js';
import { httpsServerOptions, type ServerTlsPolicy } from './tls-policy.js';

/**
 * Readiness: true only when the store and the bus answer; constant time (never reads the journal or any collection).
 */
export type ReadyCheck = () => Promise<boolean> | boolean;

/** What an HTTP edge observes with: its service's metrics (served at /metrics) and logger (access log). */
export interface HttpObservability {
  service: string;
  metrics: Metrics;
  log: Logger;
}

/** An integrator's X-CorrelationID as logged and echoed: printable, at most 128 characters. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/** Paths polled by probes and scrapers: not access-logged. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/** Marks a service's HTTP edge as draining: /readyz answers 503 from now on. */
export function markDraining(app: Express): void {
  app.locals.draining = true;
}

/** A SERVER span per request, continuing the caller's `traceparent`, named by route template when it ends. */
function traceRequests(service: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const span = trace
      .getTracer(service)
      .startSpan(
        `HTTP ${req.method}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
        contextFrom(req.headers),
      );
    res.once('finish', () => {
      span.updateName(`HTTP ${req.method} ${routeOf(req)}`);
      span.setAttributes({ 'http.route': routeOf(req), 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}

/**
 * An express app with what every service exposes: security headers (seed 003: HSTS, strict CSP,
 * no referrer, nosniff), a body size limit, `/healthz` and `/readyz` (store and bus answer, not
 * draining). With `obs`: trace context, access logs (pino-http) carrying the X-CorrelationID
 * (echoed back) and trace id, route metrics and `/metrics`.
 */
export function createHttpApp(ready: ReadyCheck, obs?: HttpObservability): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.set({
      'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    const correlationId = req.get('x-correlationid');
    if (correlationId && CORRELATION_ID.test(correlationId)) res.set('X-CorrelationID', correlationId);
    next();
  });
  if (obs) {
    app.use(traceRequests(obs.service));
    app.use(httpMetrics(obs.metrics));
    app.use(
      pinoHttp({
        logger: obs.log,
        autoLogging: { ignore: (req) => QUIET.has((req as Request).path) },
        customProps: (_req, res) => ({
          correlationId: res.getHeader('x-correlationid'),
          traceId: trace.getActiveSpan()?.spanContext().traceId,
        }),
        customSuccessObject: (req, _res, val: object) => ({ ...val, route: routeOf(req as Request) }),
        customErrorObject: (req, _res, _err, val: object) => ({ ...val, route: routeOf(req as Request) }),
        serializers: {
          req: (r: { method: string }) => ({ method: r.method }),
          res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
        },
      }),
    );
    app.get('/metrics', async (_req, res) => {
      res.set('Content-Type', obs.metrics.registry.contentType).send(await obs.metrics.registry.metrics());
    });
  }
  app.use(express.json({ limit: '16kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const ok = !req.app.locals.draining && (await Promise.resolve(ready()).catch(() => false));
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready' });
  });
  return app;
}

/**
 * A request the edge could not read, as a stable code: a body in an encoding or charset it cannot decode
 * (REQUEST_ENCODING_UNSUPPORTED, 415), a body over the limit (REQUEST_TOO_LARGE, 413), a body that does
 * not parse or decompress, or has too many form parameters, or a path parameter that does not decode
 * (INVALID_ARGUMENT; the router's message quotes the raw parameter, a phone number say, so it is not
 * kept); null for any other error.
 */
export function requestError(err: unknown): DfsError | null {
  if (err instanceof URIError) return new DfsError('INVALID_ARGUMENT', 'path encoding');
  const e = err as { type?: string; code?: unknown } | null;
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new DfsError('REQUEST_ENCODING_UNSUPPORTED', e.type);
  if (e?.type === 'entity.too.large') return new DfsError('REQUEST_TOO_LARGE', e.type);
  const zlib = typeof e?.code === 'string' && e.code.startsWith('Z_');
  const parser = ['entity.', 'request.', 'parameters.'].some((p) => e?.type?.startsWith(p));
  if (parser || zlib || err instanceof SyntaxError)
    return new DfsError('INVALID_ARGUMENT', e?.type ?? (zlib ? 'body does not decompress' : 'body does not parse'));
  return null;
}

/** The last middleware: maps errors to HTTP status and `{code, message}`; unknown paths are 404. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ code: 'NOT_FOUND', message: 'No such resource.' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { code, http, message } = describeError(requestError(err) ?? err);
    if (http >= 500) log.error({ err, route: routeOf(req) }, 'http request failed');
    res.status(http).json({ code, message });
  });
}

/**
 * Listens on host:port with plain HTTP and resolves with the bound port; rejects when the port cannot be
 * bound (Express 5 passes a listen error to the callback, so the callback checks it). Services serve
 * through `listenEdge`; this is for in-process harnesses and the dev switch.
 */
export function listen(app: Express, host: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}

/**
 * How an HTTP edge serves: HTTPS with a certificate under the TLS policy (kit/src/tls-policy.ts), or
 * plain HTTP when the operator set the dev switch DFS_DEV_PLAIN_HTTP=1 (logged as a warning at start).
 */
export type HttpEdge =
  { tls: { cert: Buffer; key: Buffer }; policy?: ServerTlsPolicy } | { plain: true; log: Logger; service: string };

/** A listening HTTP edge: its server, bound port and scheme. */
export interface ListeningEdge {
  server: Server | HttpsServer;
  port: number;
  scheme: 'https' | 'http';
}

/** Listens on host:port as the edge says (HTTPS by default); rejects when the port cannot be bound. */
export async function listenEdge(app: Express, host: string, port: number, edge: HttpEdge): Promise<ListeningEdge> {
  if ('plain' in edge) {
    edge.log.warn(
      { service: edge.service, port },
      'DFS_DEV_PLAIN_HTTP=1: this HTTP port serves plain HTTP without TLS (development only)',
    );
    return { ...(await listen(app, host, port)), scheme: 'http' };
  }
  const server = createHttpsServer(httpsServerOptions(edge.tls, edge.policy), app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port, scheme: 'https' });
    });
  });
}

/** Closes an HTTP(S) server, ending idle keep-alive connections. */
export function closeHttp(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
