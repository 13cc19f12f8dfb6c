import * as grpc from '@grpc/grpc-js';
import { traceContextInterceptor } from './grpc-observe.js';
import { ERROR_CODE_KEY, NO_CHANNELZ, RETRY_AFTER_KEY } from './grpc-server.js';
import { DfsError, isErrorCode, type ErrorCode } from './errors.js';
import { clientCredentials, type TlsMaterial } from './tls.js';
import { countWork } from './work.js';

type ClientCtor<C> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;

/**
 * A client for one service over mutual TLS, carrying the trace context.
 * `serverName` overrides the name checked in the server certificate.
 */
export function createClient<C>(Ctor: ClientCtor<C>, address: string, tls: TlsMaterial, serverName?: string): C {
  const options: grpc.ClientOptions = {
    ...NO_CHANNELZ,
    interceptors: [traceContextInterceptor],
    ...(serverName ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName } : {}),
  };
  return new Ctor(address, clientCredentials(tls), options);
}

/** The stable error code a server attached to a failed call, or a transport-level code. */
export function errorCodeOf(err: unknown): ErrorCode | `GRPC_${string}` {
  if (err instanceof DfsError) return err.code;
  const e = err as grpc.ServiceError;
  const code = e?.metadata?.get?.(ERROR_CODE_KEY)?.[0];
  if (isErrorCode(code)) return code;
  return `GRPC_${grpc.status[e?.code ?? grpc.status.UNKNOWN] ?? 'UNKNOWN'}`;
}

/** Request and response types of a generated unary method (read from its last overload, `(argument, callback)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type UnaryMethod = (...args: any[]) => grpc.ClientUnaryCall;
type ReqOf<M> = M extends (argument: infer Q, callback: grpc.requestCallback<infer _R>) => grpc.ClientUnaryCall
  ? Q
  : never;
type ResOf<M> = M extends (argument: infer _Q, callback: grpc.requestCallback<infer R>) => grpc.ClientUnaryCall
  ? R
  : never;

/** Calls a unary method with a deadline and returns a promise; server errors keep their stable code. */
export function call<M extends UnaryMethod>(
  client: grpc.Client,
  method: M,
  req: ReqOf<M>,
  deadlineMs = 5000,
): Promise<ResOf<M>> {
  const invoke = method as unknown as (
    req: unknown,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<ResOf<M>>,
  ) => grpc.ClientUnaryCall;
  countWork('grpcMade');
  return new Promise((resolve, reject) => {
    invoke.call(client, req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
      if (err) {
        const code = errorCodeOf(err);
        const hint = Number(err.metadata?.get(RETRY_AFTER_KEY)?.[0]);
        reject(
          isErrorCode(code)
            ? new DfsError(code, err.details, { cause: err, ...(hint >= 0 ? { retryAfterMs: hint } : {}) })
            : err,
        );
      } else resolve(res as ResOf<M>);
    });
  });
}
