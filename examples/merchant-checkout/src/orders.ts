import { randomUUID } from 'node:crypto';
import type { VerifiedTransaction } from './verify.js';

/** An order: PENDING until a verified transaction for its request says POSTED (PAID), or says it did not (FAILED). */
export interface Order {
  id: string;
  item: string;
  amount: { minorUnits: string; currency: string };
  payer: string;
  requestId: string;
  state: 'PENDING' | 'PAID' | 'FAILED';
  transactionId?: string;
  code?: string;
  /** How the final state was learnt: a verified callback or a verified poll of the transaction. */
  via?: 'callback' | 'poll';
}

/** Why a verified transaction does not settle an order. */
export type Mismatch = 'UNKNOWN_REQUEST' | 'ORDER_MISMATCH' | 'NOT_FINAL';

/** The merchant's orders, in memory, keyed by order id and by the DFS request id. */
export function orderBook(merchantAccount: string) {
  const byId = new Map<string, Order>();
  const byRequest = new Map<string, Order>();
  return {
    merchantAccount,
    /** Records a new order for a request to pay the API accepted. */
    add(o: Omit<Order, 'id' | 'state'>): Order {
      const order: Order = { ...o, id: randomUUID(), state: 'PENDING' };
      byId.set(order.id, order);
      byRequest.set(order.requestId, order);
      return order;
    },
    get: (id: string) => byId.get(id),
    list: () => [...byId.values()],
    /**
     * Applies a verified transaction: the order of its request becomes PAID only when it is completed to
     * this merchant for the order's amount; declined or failed end it. Answers why it did not apply, or the order.
     */
    settle(t: VerifiedTransaction, via: Order['via']): Order | Mismatch {
      const order = t.serverCorrelationId ? byRequest.get(t.serverCorrelationId) : undefined;
      if (!order) return 'UNKNOWN_REQUEST';
      if (
        t.creditParty[0]?.value !== merchantAccount ||
        t.amount !== order.amount.minorUnits ||
        t.currency !== order.amount.currency
      )
        return 'ORDER_MISMATCH';
      if (t.transactionStatus === 'pending') return 'NOT_FINAL';
      if (order.state !== 'PENDING') return order;
      order.state = t.transactionStatus === 'completed' ? 'PAID' : 'FAILED';
      order.transactionId = t.transactionReference;
      if (t.code) order.code = t.code;
      order.via = via;
      return order;
    },
  };
}

/** The merchant's order book. */
export type OrderBook = ReturnType<typeof orderBook>;
