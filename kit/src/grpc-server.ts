import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { contracts } from './contracts.js';
import { DfsError, describeError } from './errors.js';
import type { Logger } from './log.js';
import { CALLERS, identityAllowed } from './identity.js';
import { peerOf, serverCredentials, type Peer, type TlsMaterial } from './tls.js';
import { activeTraceId, contextFrom, inSpan, SpanKind } from './tracing.js';
import { countWork } from './work.js';

/** Channelz (grpc-js's live introspection registry) off: it tracks every call and nothing here reads it. */
export const NO_CHANNELZ = { 'grpc.enable_channelz': 0 } as const;

/** Metadata key carrying the stable error code to clients. */
export const ERROR_CODE_KEY = 'dfs-error-code';

/** Metadata key carrying a refusal's retry hint in milliseconds (OVERLOADED). */
export const RETRY_AFTER_KEY = 'dfs-retry-after-ms';

/** What a handler knows about its call. */
export interface CallContext {
  peer: Peer;
  log: Logger;
}

export type UnaryHandler<Req, Res> = (req: Req, ctx: CallContext) => Promise<Res>;

/** Decides whether a caller may call an RPC listing `allowed` identities (injected; byIdentity in production). */
export type AuthorizeCaller = (allowed: readonly string[], peer: Peer) => boolean;

/** The production rule: the caller's SPIFFE ID is one the RPC lists. */
export const byIdentity: AuthorizeCaller = (allowed, peer) => identityAllowed(allowed, peer.id);

/** A caller as a refusal's log names it. */
const callerOf = (peer: Peer): string =>
  peer.id || (peer.claimed ? `${peer.claimed} (from a CA that may not issue it)` : 'a caller without an identity');

/**
 * Wraps a handler with what every RPC needs: authorization of the caller's certificate identity
 * against the identities the RPC lists (kit/src/identity.ts), a child logger per call (made when first used), and the
 * mapping of errors to gRPC status plus a stable code (clients see the whitelisted message; the log keeps the cause).
 */
export function unary<Req, Res>(
  log: Logger,
  method: string,
  callers: readonly string[],
  handler: UnaryHandler<Req, Res>,
  authorize: AuthorizeCaller = byIdentity,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    countWork('grpcServed');
    const peer = peerOf(call);
    let child: Logger | undefined;
    let traceId: string | undefined;
    const ctx: CallContext = {
      peer,
      get log() {
        return (child ??= log.child({ rpc: method, reqId: randomUUID(), traceId, peer: `${peer.role}:${peer.name}` }));
      },
    };
    const run = async () => {
      traceId = activeTraceId();
      if (!authorize(callers, peer))
        throw new DfsError('CALLER_NOT_ALLOWED', `${callerOf(peer)} may not call ${method}`);
      return handler(call.request, ctx);
    };
    const component = String(log.bindings().svc ?? 'dfs');
    inSpan(
      component,
      `rpc ${method}`,
      {
        kind: SpanKind.SERVER,
        parent: contextFrom(call.metadata.getMap()),
        attributes: { 'rpc.system': 'grpc', 'rpc.method': method },
      },
      run,
    ).then(
      (res) => callback(null, res),
      (err: unknown) => {
        const { code, grpc: status, message } = describeError(err);
        if (status === grpc.status.INTERNAL) ctx.log.error({ err }, 'rpc failed');
        else ctx.log.info({ code, detail: err instanceof DfsError ? err.detail : undefined }, 'rpc refused');
        const metadata = new grpc.Metadata();
        metadata.set(ERROR_CODE_KEY, code);
        if (err instanceof DfsError && err.retryAfterMs !== undefined)
          metadata.set(RETRY_AFTER_KEY, String(err.retryAfterMs));
        callback({ code: status, details: `${code}: ${message}`, metadata });
      },
    );
  };
}

export interface GrpcServerHandle {
  server: grpc.Server;
  port: number;
  health: HealthImplementation;
  /** Marks NOT_SERVING, drains in-flight calls for up to `graceMs`, then forces shutdown. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a gRPC server on a real socket with mutual TLS, the gRPC health protocol and the
 * diagnostics echo, plus the service implementations given.
 */
export async function startGrpcServer(opts: {
  host: string;
  port: number;
  tls: TlsMaterial;
  log: Logger;
  services: { name: string; definition: grpc.ServiceDefinition; impl: grpc.UntypedServiceImplementation }[];
  /** The server's TLS credentials; default: mutual TLS requiring a client certificate chained to the CA. */
  credentials?: (tls: TlsMaterial) => grpc.ServerCredentials;
  /** Server interceptors (metrics) applied to every call. */
  interceptors?: grpc.ServerInterceptor[];
}): Promise<GrpcServerHandle> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 256 * 1024,
    ...NO_CHANNELZ,
    interceptors: opts.interceptors ?? [],
  });
  const names = opts.services.map((s) => s.name);
  const health = new HealthImplementation(Object.fromEntries(['', ...names].map((n) => [n, 'NOT_SERVING'])));
  health.addToServer(server);
  server.addService(contracts().DiagnosticsService.service, {
    Echo: unary(
      opts.log,
      'Echo',
      [
        CALLERS.attestation,
        CALLERS.transaction,
        CALLERS.risk,
        CALLERS.anyOperator,
        CALLERS.anyBootstrap,
        CALLERS.anyDevice,
      ],
      async (req: { payload: Buffer }) => ({ payload: req.payload }),
    ),
  });
  for (const s of opts.services) server.addService(s.definition, s.impl);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.port}`, (opts.credentials ?? serverCredentials)(opts.tls), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  for (const n of ['', ...names]) health.setStatus(n, 'SERVING');
  const stop = async (graceMs = 5000) => {
    for (const n of ['', ...names]) health.setStatus(n, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  return { server, port, health, stop };
}
