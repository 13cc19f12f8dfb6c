import { IntegratorCallback } from '../../../../contracts/callbacks.js';
import { handles, parseEventData, PAYMENT_TOPIC } from '../../../../contracts/events.js';
import type { EventBus } from '../../../../kit/src/events.js';
import type { Logger } from '../../../../kit/src/log.js';
import { decodeResult } from '../domain/results.js';
import type { IntegratorRegistry } from '../domain/integrators.js';
import type { RequestStore, TransferStore } from '../store/ports.js';

const FINAL = handles('payment.posted', 'payment.declined', 'payment.failed');
const ATTEMPTS = 3;

/**
 * Delivers integrator callbacks: when a payment answering a request to pay ends, POSTs its signed
 * result to the integrator's registered URL (never a URL from a request), with `X-Event-Id` for
 * deduplication, retrying a few times. Consumes the payment events from the bus.
 */
export async function startCallbacks(
  bus: EventBus,
  deps: {
    store: Pick<RequestStore, 'getRequest'> & Pick<TransferStore, 'getTransfer'>;
    integrators: IntegratorRegistry;
    log: Logger;
    timeoutMs: number;
  },
): Promise<void> {
  const deliver = async (eventId: string, requestId: string, transactionId: string) => {
    const r = await deps.store.getRequest(requestId);
    const url = r && deps.integrators.byId(r.integratorId)?.callbackUrl;
    const t = r && (await deps.store.getTransfer(transactionId));
    if (!url || !t?.result) return;
    const body = JSON.stringify(IntegratorCallback.parse({ signed: t.result, ...decodeResult(t.result) }));
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Event-Id': eventId },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        if (res.ok) return;
      } catch {
        /* retried below */
      }
      await new Promise((ok) => setTimeout(ok, 200 * 2 ** attempt));
    }
    deps.log.warn({ eventId, integratorId: r.integratorId }, 'callback not delivered');
  };
  await bus.subscribe(PAYMENT_TOPIC, 'transaction-callbacks', async (e) => {
    if (!FINAL.has(e.type)) return;
    const data = parseEventData(e.type, e.data);
    if (data.success && data.data.requestId)
      void deliver(e.id, data.data.requestId, data.data.transactionId).catch((err: unknown) =>
        deps.log.warn({ err }, 'callback failed'),
      );
  });
}
