import * as grpc from '@grpc/grpc-js';
import type { Metrics } from './metrics.js';
import { traceHeaders } from './tracing.js';

/**
 * Metadata key of the stable error code (same as grpc-server.ts's ERROR_CODE_KEY; kept here to avoid an import cycle).
 */
const ERROR_CODE_KEY = 'dfs-error-code';

/**
 * Server interceptor: the duration of every call by method and outcome (OK, the stable error code, or the gRPC status).
 */
export function rpcMetricsInterceptor(m: Metrics): grpc.ServerInterceptor {
  return (method, call) => {
    const end = m.rpcDuration.startTimer({ method: method.path.slice(method.path.lastIndexOf('/') + 1) });
    return new grpc.ServerInterceptingCall(call, {
      sendStatus(status, next) {
        const code =
          status.code === grpc.status.OK
            ? 'OK'
            : String(status.metadata?.get(ERROR_CODE_KEY)[0] ?? grpc.status[status.code] ?? 'UNKNOWN');
        end({ code });
        next(status);
      },
    });
  };
}

/** Client interceptor: carries the caller's trace context as W3C `traceparent` metadata. */
export const traceContextInterceptor: grpc.Interceptor = (options, nextCall) => {
  const headers = traceHeaders();
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      next(metadata, listener);
    },
  });
};
