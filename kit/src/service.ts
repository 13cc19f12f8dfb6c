import type * as grpc from '@grpc/grpc-js';
import type { Express } from 'express';
import { startGrpcServer } from './grpc-server.js';
import { rpcMetricsInterceptor } from './grpc-observe.js';
import { closeHttp, listenEdge, markDraining, type ListeningEdge } from './http.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { TlsMaterial } from './tls.js';
import type { ServerTlsPolicy } from './tls-policy.js';

/** A running service: its bound ports and a graceful stop. */
export interface ServiceHandle {
  name: string;
  grpcPort: number;
  httpPort: number;
  /** NOT_SERVING (gRPC health and /readyz), drain gRPC and HTTP, then release the store and bus. */
  stop(): Promise<void>;
}

/**
 * What a service's wiring may replace at its edge: the gRPC server credentials (default: mTLS
 * requiring a client certificate, under the TLS policy) and the HTTPS port's TLS policy.
 */
export interface ServeOverrides {
  serverCredentials?: (tls: TlsMaterial) => grpc.ServerCredentials;
  httpsPolicy?: ServerTlsPolicy;
}

/** Starts the gRPC (mTLS) and HTTPS edges of a service and ties their shutdown to its resources. */
export async function serve(
  opts: {
    name: string;
    host: string;
    grpcPort: number;
    httpPort: number;
    tls: TlsMaterial;
    /** The dev switch DFS_DEV_PLAIN_HTTP=1: the HTTP port serves plain HTTP (warned at start). */
    plainHttp: boolean;
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
  let http: ListeningEdge;
  try {
    http = await listenEdge(
      opts.http,
      opts.host,
      opts.httpPort,
      opts.plainHttp ? { plain: true, log: opts.log, service: opts.name } : { tls: opts.tls, policy: opts.httpsPolicy },
    );
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
