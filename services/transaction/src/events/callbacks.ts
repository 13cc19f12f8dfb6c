import type { BusEvent, EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { PAYMENT_TOPIC } from '../domain/events.js';
import { signedBody } from '../domain/requests.js';
import { decodeResult } from '../domain/results.js';
import type { IntegratorRegistry } from '../http/integrators.js';
import type { LedgerStore } from '../store/ports.js';

const FINAL = new Set(['payment.posted', 'payment.declined', 'payment.failed']);
const ATTEMPTS = 3;

/**
 * Delivers integrator callbacks: when a payment answering a request to pay ends, POSTs its signed
 * result to the integrator's registered URL (never a URL from a request), with `X-Event-Id` for
 * deduplication, retrying a few times. Consumes the payment events from the bus.
 */
export async function startCallbacks(bus: EventBus, deps: { store: LedgerStore; integrators: IntegratorRegistry; log: Logger; timeoutMs: number }): Promise<void> {
  const deliver = async (e: BusEvent) => {
    const r = await deps.store.getRequest(String(e.data.requestId));
    const url = r && deps.integrators.byId(r.integratorId)?.callbackUrl;
    const t = r && (await deps.store.getTransfer(String(e.data.transactionId)));
    if (!url || !t?.result) return;
    const body = signedBody(t.result, decodeResult(t.result));
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Event-Id': e.id }, body, redirect: 'error', signal: AbortSignal.timeout(deps.timeoutMs) });
        if (res.ok) return;
      } catch { /* retried below */ }
      await new Promise((ok) => setTimeout(ok, 200 * 2 ** attempt));
    }
    deps.log.warn({ eventId: e.id, integratorId: r.integratorId }, 'callback not delivered');
  };
  await bus.subscribe(PAYMENT_TOPIC, 'transaction-callbacks', async (e) => {
    if (FINAL.has(e.type) && e.data.requestId) void deliver(e).catch((err: unknown) => deps.log.warn({ err }, 'callback failed'));
  });
}
