import { buildEvent, type PaymentEventType } from '../../../../contracts/events.js';
import type { OutboxEvent, PaymentRequest, Transfer } from './model.js';

/** A payment event (contracts/events.ts), keyed by payer, built through the catalog's schema. */
export function paymentEvent(
  type: Exclude<PaymentEventType, 'payment_request.created'>,
  t: Transfer,
  atMs: number,
  data: Record<string, unknown> = {},
): OutboxEvent {
  return buildEvent(type, t.payer, atMs, {
    transactionId: t.id,
    kind: t.kind,
    deviceId: t.deviceId,
    payer: t.payer,
    payee: t.payee,
    amount: t.amount,
    currency: t.currency,
    ...(t.originalId ? { originalId: t.originalId } : {}),
    ...(t.requestId ? { requestId: t.requestId } : {}),
    ...data,
  });
}

/** A request-to-pay event (contracts/events.ts), keyed by payer. */
export function requestEvent(type: 'payment_request.created', r: PaymentRequest, atMs: number): OutboxEvent {
  return buildEvent(type, r.payer, atMs, {
    requestId: r.id,
    integratorId: r.integratorId,
    payer: r.payer,
    payee: r.payee,
    amount: r.amount,
    currency: r.currency,
  });
}
