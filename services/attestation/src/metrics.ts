import { Counter } from 'prom-client';
import { describeError } from '../../../kit/src/errors.js';
import type { Logger } from '../../../kit/src/log.js';
import type { Metrics } from '../../../kit/src/metrics.js';
import { activeTraceId } from '../../../kit/src/tracing.js';
import { AttestationRefused } from './domain/enroll.js';

/** What one enrollment ended with: the tier granted, or the refusal's stable code. */
export type EnrollOutcome = { tier: string; deviceId: string } | { error: unknown };

/**
 * Counts enrollments by outcome, code and tier on the service's registry and writes the one
 * outcome log line per enrollment (device id, code, tier, trace id; never keys or tokens).
 */
export function enrollmentOutcomes(m: Metrics, log: Logger): (o: EnrollOutcome) => void {
  const outcomes = new Counter({
    name: 'dfs_attestation_enrollments_total',
    help: 'Enrollments by outcome, stable code and tier granted',
    labelNames: ['outcome', 'code', 'tier'],
    registers: [m.registry],
  });
  return (o) => {
    const attested = 'tier' in o;
    const code = attested ? 'OK' : describeError(o.error).code;
    const tier = attested ? o.tier : o.error instanceof AttestationRefused ? 'REFUSED' : 'NONE';
    const deviceId = attested ? o.deviceId : o.error instanceof AttestationRefused ? o.error.deviceId : undefined;
    outcomes.inc({ outcome: attested ? 'attested' : 'refused', code, tier });
    log.info({ deviceId, code, tier, traceId: activeTraceId() }, 'enrollment outcome');
  };
}
