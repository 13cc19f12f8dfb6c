import type { Server } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import type { Express } from 'express';
import { startGrpcServer } from './grpc-server.js';
import { rpcMetricsInterceptor } from './grpc-observe.js';
import { closeHttp, listen, markDraining } from './http.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { TlsMaterial } from './tls.js';

/** A running service: its bound ports and a graceful stop. */
export interface ServiceHandle {
  name: string;
  grpcPort: number;
  httpPort: number;
  /** NOT_SERVING (gRPC health and /readyz), drain gRPC and HTTP, then release the store and bus. */
  stop(): Promise<void>;
}

/**
 * What a service's wiring may replace at its edge: the gRPC server
 * credentials (default: mTLS requiring a client certificate).
 */
export interface ServeOverrides {
  serverCredentials?: (tls: TlsMaterial) => grpc.ServerCredentials;
}

/** Starts the gRPC (mTLS) and HTTP edges of a service and ties their shutdown to its resources. */
export async function serve(
  opts: {
    name: string;
    host: string;
    grpcPort: number;
    httpPort: number;
    tls: TlsMaterial;
    log: Logger;
    grpcServices: { name: string; definition: grpc.ServiceDefinition; impl: grpc.UntypedServiceImplementation }[];
    http: Express;
    release: () => Promise<void>;
    /** RPC metrics (the HTTP app observes its own routes). */
    metrics?: Metrics;
  } & ServeOverrides,
): Promise<ServiceHandle> {
  const grpcServer = await startGrpcServer({
    host: opts.host,
    port: opts.grpcPort,
    tls: opts.tls,
    log: opts.log,
    services: opts.grpcServices,
    credentials: opts.serverCredentials,
    interceptors: opts.metrics ? [rpcMetricsInterceptor(opts.metrics)] : [],
  });
  let http: { server: Server; port: number };
  try {
    http = await listen(opts.http, opts.host, opts.httpPort);
  } catch (err) {
    await grpcServer.stop(0);
    throw err;
  }
  opts.log.info({ grpcPort: grpcServer.port, httpPort: http.port }, `${opts.name} service listening`);
  let stopped: Promise<void> | undefined;
  return {
    name: opts.name,
    grpcPort: grpcServer.port,
    httpPort: http.port,
    stop: () =>
      (stopped ??= (async () => {
        markDraining(opts.http);
        await Promise.all([grpcServer.stop(), closeHttp(http.server)]);
        await opts.release();
        opts.log.info(`${opts.name} service stopped`);
      })()),
  };
}
