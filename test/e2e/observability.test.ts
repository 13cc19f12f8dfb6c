/**
 * One payment on the embedded stack, watched: one trace from the phone's submit through
 * transaction, risk, the ledger write, the outbox relay and the event consumers (in-memory span
 * exporter), and the /metrics of transaction and risk, scraped and parsed before and after.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../../kit/src/tracing.js';
import { transactionStack, walletPhone, type TransactionStack } from '../fixtures/transaction-stack.js';
import { scrape, total } from '../support/prom.js';

const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'dfs-e2e', processors: [new SimpleSpanProcessor(exporter)] });

describe('one payment, watched', () => {
  let env: TransactionStack;
  beforeAll(async () => {
    env = await transactionStack();
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it(
    'is one trace with spans from the phone, transaction, risk, the ' +
      'ledger, the relay and the consumers; the payment and RPC metrics move',
    async () => {
      const merchant = env.world.newId('merchant');
      await env.world.openMerchant(merchant, 'KES');
      const { phone } = await walletPhone(env, 50_000);
      const riskHttp = env.stack.services.find((s) => s.name === 'risk')!.httpPort;
      const txMetrics = `https://127.0.0.1:${env.tx.httpPort}/metrics`;
      const riskMetrics = `https://127.0.0.1:${riskHttp}/metrics`;
      const [txBefore, riskBefore] = [await scrape(txMetrics), await scrape(riskMetrics)];
      exporter.reset();

      const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1500', currency: 'KES' } });
      expect(result.status).toBe('POSTED');

      const scope = (s: ReadableSpan) => `${s.instrumentationScope.name}:${s.name}`;
      const wanted = [
        'device-sim:phone.submit',
        'transaction:rpc SubmitPayment',
        'risk:rpc Assess',
        'transaction:ledger.post',
        'transaction:outbox.relay',
        'risk:consume dfs.payment.v1',
        'transaction:consume dfs.payment.v1',
      ];
      // Work from before the payment (the wallet's funding) may still be consumed meanwhile: the claim is
      // that every stage of this payment has a span in the phone's trace.
      const spansOfTrace = () => {
        const spans = exporter.getFinishedSpans();
        const root = spans.find((s) => scope(s) === 'device-sim:phone.submit');
        return { root, trace: spans.filter((s) => s.spanContext().traceId === root?.spanContext().traceId) };
      };
      await expect
        .poll(() => wanted.filter((w) => !spansOfTrace().trace.some((s) => scope(s) === w)), { timeout: 10_000 })
        .toEqual([]);
      const { root, trace } = spansOfTrace();
      const ids = new Set(trace.map((s) => s.spanContext().spanId));
      expect(trace.filter((s) => s !== root && !ids.has(s.parentSpanContext?.spanId ?? '')).map(scope)).toEqual([]);
      expect([...new Set(trace.map((s) => s.instrumentationScope.name))]).toEqual(
        expect.arrayContaining(['device-sim', 'transaction', 'risk']),
      );

      const [txAfter, riskAfter] = [await scrape(txMetrics), await scrape(riskMetrics)];
      const delta = (before: typeof txBefore, after: typeof txBefore, name: string, labels: Record<string, string>) =>
        total(after, name, labels) - total(before, name, labels);
      expect(delta(txBefore, txAfter, 'dfs_payments_total', { kind: 'payment', status: 'POSTED', code: 'OK' })).toBe(1);
      expect(
        delta(txBefore, txAfter, 'dfs_rpc_server_duration_seconds_count', { method: 'SubmitPayment', code: 'OK' }),
      ).toBe(1);
      expect(
        delta(txBefore, txAfter, 'dfs_rpc_server_duration_seconds_bucket', {
          method: 'SubmitPayment',
          code: 'OK',
          le: '+Inf',
        }),
      ).toBe(1);
      expect(
        delta(txBefore, txAfter, 'dfs_rpc_server_duration_seconds_sum', { method: 'SubmitPayment', code: 'OK' }),
      ).toBeGreaterThan(0);
      expect(delta(riskBefore, riskAfter, 'dfs_risk_decisions_total', { decision: 'APPROVE' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(
        delta(riskBefore, riskAfter, 'dfs_rpc_server_duration_seconds_count', { method: 'Assess', code: 'OK' }),
      ).toBe(1);
      // The payment's events (approved, posted) reach risk's consumer one after the other.
      const riskConsumed = async () =>
        delta(riskBefore, await scrape(riskMetrics), 'dfs_bus_events_consumed_total', {
          topic: 'dfs.payment.v1',
          group: 'risk',
          outcome: 'ok',
        });
      await expect.poll(riskConsumed, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(txAfter.some((s) => s.name === 'dfs_outbox_backlog_events')).toBe(true);
      expect(total(txAfter, 'dfs_journal_verification_ok')).toBe(1);
    },
  );
});
