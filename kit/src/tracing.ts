import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DfsError } from './errors.js';

// Context follows async calls (AsyncLocalStorage) and crosses process edges as W3C traceparent,
// whether or not spans are recorded: a payment keeps one trace id across services and the bus.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

/** Carrier of the W3C trace context: gRPC metadata, HTTP and bus event headers. */
export type TraceHeaders = Record<string, string>;

/**
 * Records spans with the given processors (a test's in-memory exporter), or, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, exports them over OTLP/HTTP; otherwise spans are not recorded.
 * Returns a shutdown that flushes what is buffered.
 */
export function startTracing(opts: {
  serviceName: string;
  processors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}): () => Promise<void> {
  const env = opts.env ?? process.env;
  const processors =
    opts.processors ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? [new BatchSpanProcessor(new OTLPTraceExporter())] : []);
  if (processors.length === 0) return async () => {};
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || opts.serviceName }),
    spanProcessors: processors,
  });
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
}

/** The trace context of `ctx` (the active one by default) as headers. */
export function traceHeaders(ctx: Context = context.active()): TraceHeaders {
  const out: TraceHeaders = {};
  propagation.inject(ctx, out);
  return out;
}

/** The context a carrier's traceparent names (the root context when it has none). */
export function contextFrom(headers: Record<string, unknown> | undefined): Context {
  const carrier: TraceHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' || Buffer.isBuffer(s)) carrier[k.toLowerCase()] = String(s);
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The trace id of the active span, for log lines (undefined outside a trace). */
export function activeTraceId(): string | undefined {
  const sc = trace.getSpan(context.active())?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

/**
 * Runs `fn` in a new span of `component` (the service: attestation, transaction, risk, device-sim),
 * child of `parent` (the active context by default); errors end the span with their stable code.
 */
export function inSpan<T>(
  component: string,
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return trace
    .getTracer(component)
    .startActiveSpan(
      name,
      { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes },
      opts.parent ?? context.active(),
      async (span) => {
        try {
          return await fn(span);
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof DfsError ? err.code : 'error' });
          throw err;
        } finally {
          span.end();
        }
      },
    );
}

export { SpanKind };
