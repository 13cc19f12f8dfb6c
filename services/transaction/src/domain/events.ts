import { randomUUID } from 'node:crypto';
import type { OutboxEvent, PaymentRequest, Transfer } from '../store/ports.js';

/** The topic of payment and request-to-pay events. */
export const PAYMENT_TOPIC = 'dfs.payment.v1';

/** A payment event (requested, approved, step_up_required, declined, failed, posted, reversed) with a unique id. */
export function paymentEvent(type: string, t: Transfer, atMs: number, data: Record<string, unknown> = {}): OutboxEvent {
  return {
    id: randomUUID(), topic: PAYMENT_TOPIC, type: `payment.${type}`, key: t.payer, atMs,
    data: {
      transactionId: t.id, kind: t.kind, deviceId: t.deviceId, payer: t.payer, payee: t.payee, amount: t.amount, currency: t.currency,
      ...(t.originalId ? { originalId: t.originalId } : {}), ...(t.requestId ? { requestId: t.requestId } : {}), ...data,
    },
  };
}

/** A request-to-pay event (created) with a unique id. */
export function requestEvent(type: string, r: PaymentRequest, atMs: number): OutboxEvent {
  return {
    id: randomUUID(), topic: PAYMENT_TOPIC, type: `payment_request.${type}`, key: r.payer, atMs,
    data: { requestId: r.id, integratorId: r.integratorId, payer: r.payer, payee: r.payee, amount: r.amount, currency: r.currency },
  };
}
