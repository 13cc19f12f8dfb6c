import { IntegratorCallback } from '../../../../contracts/callbacks.js';
import { handles, parseEventData, PAYMENT_TOPIC } from '../../../../contracts/events.js';
import type { EventBus } from '../../../../kit/src/events.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { CallbackDelivery, PaymentRequest } from '../domain/model.js';
import { signedIntegratorView } from '../domain/integrator-reads.js';
import { CALLBACK_TARGET_CHECK, type CallbackTargetCheck } from '../domain/callback-target.js';
import type { IntegratorRegistry } from '../domain/integrators.js';
import type { CallbackStore, RequestStore, TransferStore } from '../store/ports.js';

const FINAL = handles('payment.posted', 'payment.declined', 'payment.failed');
/** Deliveries attempted at once per poll. */
const BATCH = 20;
/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = 5 * 60_000;

export interface CallbackDeps {
  store: CallbackStore & Pick<RequestStore, 'getRequest'> & Pick<TransferStore, 'getTransfer'>;
  integrators: IntegratorRegistry;
  /** How each attempt's target is re-checked against the integrator's origins as registered now. */
  callbackTarget?: CallbackTargetCheck;
  /** Signs each callback's body (the integrator view) once, when it is stored. */
  resultKey: () => SigningKey;
  log: Logger;
  /** One attempt's deadline. */
  timeoutMs: number;
  /** How long after the event attempts go on (then the delivery is EXPIRED, and logged). */
  retryMs: number;
  /** The first retry's wait; each next one doubles, up to five minutes. */
  backoffMs: number;
  /** How often due deliveries are looked for. */
  pollMs?: number;
  now?: () => number;
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export const backoff = (attempts: number, baseMs: number) => Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempts - 1));

/**
 * Integrator callbacks, at least once: when the payment that a request to pay was claimed by ends,
 * the delivery is stored (one per event id, with its target: the request's X-Callback-URL, else the
 * integrator's callbackUrl) before the bus offset is committed, its body signed then or, when the
 * event came before the transfer's final write, by the poller once the transfer is final (the consumer
 * never waits for it). The poller PUTs the signed result there, with `X-Event-Id` and the request's
 * `X-CorrelationID`, once the target is re-checked
 * against the integrator's callback origins as registered now (a removed one: EXPIRED, unsent), retrying
 * with exponential backoff until it is accepted (2xx) or the retry period ends.
 * Each attempt is claimed in the store first, so several replicas, or a restarted one, never send
 * one attempt twice at once; a delivery whose attempt was cut off by a crash is due again after the
 * attempt's timeout. Only the request's own payment is reported: other payments that tried to
 * answer the same request get no callback.
 */
export async function startCallbacks(bus: EventBus, deps: CallbackDeps): Promise<{ stop(): Promise<void> }> {
  const now = deps.now ?? Date.now;
  /** The signed integrator view of the request's transaction, once that is final; null before. */
  const finalBody = async (r: PaymentRequest): Promise<string | null> => {
    const t = r.transactionId ? await deps.store.getTransfer(r.transactionId) : null;
    if (!t?.result) return null;
    const view = JSON.parse(await signedIntegratorView(t, { resultKey: deps.resultKey, now }, r)) as unknown;
    return JSON.stringify(IntegratorCallback.parse(view));
  };
  await bus.subscribe(PAYMENT_TOPIC, 'transaction-callbacks', async (e) => {
    if (!FINAL.has(e.type)) return;
    const data = parseEventData(e.type, e.data);
    if (!data.success || !data.data.requestId) return;
    const r = await deps.store.getRequest(data.data.requestId);
    if (r?.transactionId !== data.data.transactionId) return;
    const url = r.callbackUrl ?? deps.integrators.byId(r.integratorId)?.callbackUrl;
    if (!url) return;
    // The final event can be relayed before the write that makes its transfer final lands: then the
    // delivery is stored without its body, which the poller signs once the transfer is final.
    await deps.store.addCallback({
      id: e.id,
      integratorId: r.integratorId,
      requestId: r.id,
      transactionId: r.transactionId,
      url,
      correlationId: r.correlationId,
      body: await finalBody(r),
      state: 'PENDING',
      attempts: 0,
      nextAtMs: now(),
      giveUpAtMs: now() + deps.retryMs,
    });
  });

  const check = deps.callbackTarget ?? CALLBACK_TARGET_CHECK;
  /** The delivery's target if its integrator still registers its origin, else null. */
  const target = (c: CallbackDelivery): string | null => {
    const integrator = deps.integrators.byId(c.integratorId);
    const url = c.url || integrator?.callbackUrl;
    try {
      return integrator && url ? check(url, integrator) : null;
    } catch {
      return null;
    }
  };
  const attempt = async (c: CallbackDelivery, url: string): Promise<boolean> => {
    try {
      const res = await fetch(url, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          'X-Event-Id': c.id,
          ...(c.correlationId ? { 'X-CorrelationID': c.correlationId } : {}),
        },
        body: c.body,
        redirect: 'error',
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
      return res.ok;
    } catch {
      return false;
    }
  };
  const deliver = async (c: CallbackDelivery) => {
    const started = now();
    const claimedUntilMs = started + 2 * deps.timeoutMs;
    if (!(await deps.store.claimCallback(c.id, c.nextAtMs, claimedUntilMs))) return;
    // Settled only on this claim: an attempt that outlived it (another replica claimed and settled
    // the delivery meanwhile) must not overwrite that outcome and send the callback again.
    const settle = (next: Parameters<CallbackDeps['store']['settleCallback']>[2]) =>
      deps.store.settleCallback(c.id, claimedUntilMs, next);
    const url = target(c);
    if (!url) {
      deps.log.warn(
        { eventId: c.id, integratorId: c.integratorId },
        'callback not sent: target not under a registered origin',
      );
      return settle({ state: 'EXPIRED', attempts: c.attempts, nextAtMs: started });
    }
    if (c.body === null) {
      const request = await deps.store.getRequest(c.requestId);
      const body = request && (await finalBody(request));
      // Signed once the transfer is final, and sent from the next poll on; until then asked again later.
      if (body) return settle({ state: 'PENDING', attempts: c.attempts, nextAtMs: started, body });
      const nextAtMs = now() + backoff(c.attempts + 1, deps.backoffMs);
      if (nextAtMs <= c.giveUpAtMs) return settle({ state: 'PENDING', attempts: c.attempts, nextAtMs });
      deps.log.warn({ eventId: c.id, integratorId: c.integratorId }, 'callback given up: transfer never final');
      return settle({ state: 'EXPIRED', attempts: c.attempts, nextAtMs });
    }
    const attempts = c.attempts + 1;
    if (await attempt(c, url)) return settle({ state: 'DELIVERED', attempts, nextAtMs: started });
    const nextAtMs = now() + backoff(attempts, deps.backoffMs);
    if (nextAtMs <= c.giveUpAtMs) return settle({ state: 'PENDING', attempts, nextAtMs });
    deps.log.warn({ eventId: c.id, integratorId: c.integratorId, attempts }, 'callback given up: retry period over');
    return settle({ state: 'EXPIRED', attempts, nextAtMs });
  };

  let busy: Promise<unknown> | null = null;
  const poll = () => {
    if (busy) return;
    busy = deps.store
      .dueCallbacks(now(), BATCH)
      .then((due) => Promise.all(due.map(deliver)))
      .catch((err: unknown) => deps.log.warn({ err }, 'callback poll failed; will retry'))
      .finally(() => {
        busy = null;
      });
  };
  const timer = setInterval(poll, deps.pollMs ?? 250);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}
