import { Counter } from 'prom-client';
import type { Metrics } from '../../../kit/src/metrics.js';

/** Counts risk decisions by outcome and by each rule that fired ('none' when no rule did) on the service's registry. */
export function riskMetrics(m: Metrics): (rec: { decision: string; ruleIds: string[] }) => void {
  const decisions = new Counter({
    name: 'dfs_risk_decisions_total',
    help: 'Risk decisions by outcome and rule that fired (one count per rule)',
    labelNames: ['decision', 'rule'],
    registers: [m.registry],
  });
  return (rec) => {
    for (const rule of rec.ruleIds.length ? rec.ruleIds : ['none']) decisions.inc({ decision: rec.decision, rule });
  };
}
