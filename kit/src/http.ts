import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { DfsError, describeError } from './errors.js';
import type { Logger } from './log.js';

/** Readiness: true only when the store and the bus answer and the service is not draining. */
export type ReadyCheck = () => Promise<boolean> | boolean;

/**
 * An express app with what every service exposes: security headers (seed 003: HSTS, strict CSP,
 * no referrer, nosniff), a body size limit, `/healthz` and `/readyz`.
 */
export function createHttpApp(ready: ReadyCheck): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.set({
      'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    next();
  });
  app.use(express.json({ limit: '16kb' }));
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    const ok = await Promise.resolve(ready()).catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready' });
  });
  return app;
}

/** The last middleware: maps errors to HTTP status and `{code, message}`; unknown paths are 404. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((_req, res) => { res.status(404).json({ code: 'NOT_FOUND', message: 'No such resource.' }); });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const bodyError = (err as { type?: string })?.type;
    const mapped = bodyError?.startsWith('entity.') || err instanceof SyntaxError ? new DfsError('INVALID_ARGUMENT', bodyError) : err;
    const { code, http, message } = describeError(mapped);
    if (http >= 500) log.error({ err, path: req.path }, 'http request failed');
    res.status(http).json({ code, message });
  });
}

/**
 * Listens on host:port and resolves with the bound port; rejects when the port cannot be bound
 * (Express 5 passes a listen error to the callback, so the callback checks it).
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

/** Closes an HTTP server, ending idle keep-alive connections. */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
