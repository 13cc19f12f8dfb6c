import { Counter, Gauge } from 'prom-client';
import { mask, type Logger } from '../../../kit/src/log.js';
import type { Metrics } from '../../../kit/src/metrics.js';
import { activeTraceId } from '../../../kit/src/tracing.js';
import type { JournalAudit } from './domain/journal-audit.js';
import type { PaymentDeps } from './domain/payments.js';
import type { OutboxStore } from './store/ports.js';

/**
 * The transaction service's own measures on its registry: transfers by kind, final status and code;
 * the outbox backlog; how far and how long ago the journal verified. Returns the final-state hook
 * that counts a transfer and writes its one outcome log line (ids, code, tier, trace id; no account numbers).
 */
export function transactionMetrics(
  m: Metrics,
  deps: { store: Pick<OutboxStore, 'outboxBacklog'>; audit: JournalAudit; log: Logger; now: () => number },
): NonNullable<PaymentDeps['onFinal']> {
  const finals = new Counter({
    name: 'dfs_payments_total',
    help: 'Transfers reaching their final state, by kind, status and code',
    labelNames: ['kind', 'status', 'code'],
    registers: [m.registry],
  });
  new Gauge({
    name: 'dfs_outbox_backlog_events',
    help: 'Events written to the outbox and not yet published',
    registers: [m.registry],
    async collect() {
      this.set(await deps.store.outboxBacklog());
    },
  });
  new Gauge({
    name: 'dfs_journal_verified_entries',
    help: 'Journal entries verified (chain and backing transfers) so far',
    registers: [m.registry],
    collect() {
      this.set(deps.audit.state().verified.seq);
    },
  });
  new Gauge({
    name: 'dfs_journal_verification_ok',
    help: '1 while every verified journal entry checks out, 0 once one does not',
    registers: [m.registry],
    collect() {
      this.set(deps.audit.state().badSeq === null ? 1 : 0);
    },
  });
  new Gauge({
    name: 'dfs_journal_verification_age_seconds',
    help: 'Seconds since the journal last verified intact (-1: not yet)',
    registers: [m.registry],
    collect() {
      const at = deps.audit.state().verifiedAtMs;
      this.set(at === null ? -1 : (deps.now() - at) / 1000);
    },
  });
  return (t, state, code) => {
    finals.inc({ kind: t.kind, status: state, code: code ?? 'OK' });
    deps.log.info(
      {
        transactionId: t.id,
        kind: t.kind,
        deviceId: t.deviceId,
        payer: mask(t.payer),
        status: state,
        code,
        tier: t.tier,
        riskDecision: t.risk?.decision,
        traceId: activeTraceId(),
      },
      'payment outcome',
    );
  };
}
