import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createHttpApp, finishHttpApp, listen } from '../../kit/src/http.js';
import { createMetrics } from '../../kit/src/metrics.js';
import { startTracing } from '../../kit/src/tracing.js';
import { DfsError } from '../../kit/src/errors.js';
import { enrollmentOutcomes } from '../../services/attestation/src/metrics.js';
import { AttestationRefused } from '../../services/attestation/src/domain/enroll.js';
import { JOURNAL_START } from '../../services/transaction/src/domain/journal.js';
import type { JournalAudit } from '../../services/transaction/src/domain/journal-audit.js';
import { transactionMetrics } from '../../services/transaction/src/metrics.js';
import { memoryLedgerStore } from '../../services/transaction/src/store/memory/index.js';
import type { Transfer } from '../../services/transaction/src/domain/model.js';
import { parseExposition, total } from '../support/prom.js';

startTracing({ serviceName: 'unit', processors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });

/** A logger (with the stack's redaction paths) whose lines the test reads back. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const inTrace = <T>(fn: () => T): { traceId: string; out: T } => {
  const span = trace.getTracer('unit').startSpan('t');
  const out = context.with(trace.setSpan(context.active(), span), fn);
  span.end();
  return { traceId: span.spanContext().traceId, out };
};

describe('outcome log lines and their counters', () => {
  it(
    'a payment outcome: one info line with ids, code, tier and ' +
      'trace id, the payer masked; counted by kind, status and code',
    async () => {
      const { log, lines } = capture();
      const m = createMetrics('transaction');
      const audit = {
        state: () => ({ verified: JOURNAL_START, verifiedAtMs: null, badSeq: null }),
      } as unknown as JournalAudit;
      const onFinal = transactionMetrics(m, { store: memoryLedgerStore(), audit, log, now: Date.now });
      const t = {
        id: 'tx-1',
        kind: 'payment',
        deviceId: 'dev-1',
        payer: 'wallet-254700123456',
        tier: 'HIGH',
        risk: { decision: 'DECLINE', ruleIds: [], reason: '' },
      } as unknown as Transfer;
      const { traceId } = inTrace(() => onFinal(t, 'DECLINED', 'RISK_DECLINED'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 30,
        msg: 'payment outcome',
        transactionId: 'tx-1',
        deviceId: 'dev-1',
        code: 'RISK_DECLINED',
        tier: 'HIGH',
        status: 'DECLINED',
        traceId,
      });
      expect(JSON.stringify(lines[0])).not.toContain('254700123456');
      const samples = parseExposition(await m.registry.metrics());
      expect(total(samples, 'dfs_payments_total', { kind: 'payment', status: 'DECLINED', code: 'RISK_DECLINED' })).toBe(
        1,
      );
    },
  );

  it(
    'an enrollment outcome: attested with its tier, or ' + 'refused with its code; one line each with the trace id',
    async () => {
      const { log, lines } = capture();
      const m = createMetrics('attestation');
      const onEnroll = enrollmentOutcomes(m, log);
      const { traceId } = inTrace(() => onEnroll({ tier: 'HIGH', deviceId: 'dev-2' }));
      onEnroll({ error: new AttestationRefused(['ATTESTATION_PATCH_TOO_OLD'], 'dev-3') });
      onEnroll({ error: new DfsError('ATTESTATION_CHALLENGE_REUSED') });
      expect(lines.map((l) => [l.deviceId, l.code, l.tier])).toEqual([
        ['dev-2', 'OK', 'HIGH'],
        ['dev-3', 'ATTESTATION_PATCH_TOO_OLD', 'REFUSED'],
        [undefined, 'ATTESTATION_CHALLENGE_REUSED', 'NONE'],
      ]);
      expect(lines[0]!.traceId).toBe(traceId);
      const samples = parseExposition(await m.registry.metrics());
      expect(total(samples, 'dfs_attestation_enrollments_total', { outcome: 'attested', tier: 'HIGH' })).toBe(1);
      expect(
        total(samples, 'dfs_attestation_enrollments_total', { outcome: 'refused', code: 'ATTESTATION_PATCH_TOO_OLD' }),
      ).toBe(1);
    },
  );
});

describe('HTTP edge: X-CorrelationID, access log, route metrics', () => {
  it(
    'echoes the correlation id, logs it with the route template ' +
      '(never the account in the path) and the caller trace id',
    async () => {
      const { log, lines } = capture();
      const m = createMetrics('transaction');
      const app = createHttpApp(() => true, { service: 'transaction', metrics: m, log });
      app.get('/v1/accounts/:accountId/balance', (_req, res) => {
        res.json({ ok: true });
      });
      finishHttpApp(app, log);
      const { server, port } = await listen(app, '127.0.0.1', 0);
      try {
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const res = await fetch(`http://127.0.0.1:${port}/v1/accounts/wallet-254700999888/balance`, {
          headers: { 'X-CorrelationID': 'order-42', traceparent },
        });
        expect([res.status, res.headers.get('x-correlationid')]).toEqual([200, 'order-42']);
        await expect.poll(() => lines.length).toBe(1);
        expect(lines[0]).toMatchObject({
          correlationId: 'order-42',
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          route: '/v1/accounts/:accountId/balance',
          req: { method: 'GET' },
          res: { statusCode: 200 },
        });
        expect(JSON.stringify(lines)).not.toContain('254700999888');
        const samples = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
        expect(
          total(samples, 'dfs_http_server_duration_seconds_count', {
            route: '/v1/accounts/:accountId/balance',
            method: 'GET',
            status: '200',
          }),
        ).toBe(1);
        expect(samples.some((s) => JSON.stringify(s.labels).includes('254700999888'))).toBe(false);
      } finally {
        server.close();
      }
    },
  );
});
