import type { AuthorisationCode } from '../../domain/model.js';
import type { AuthCodeStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Cash-out codes in process memory, unique per id and per (payer, orderId); redeemed at most once. */
export function memoryAuthCodes(): AuthCodeStore {
  const codes = new Map<string, AuthorisationCode>();
  const byOrder = new Map<string, string>();

  return {
    async insertAuthCode(c) {
      const order = byOrder.get(`${c.payer}\u0000${c.orderId}`);
      if (order) return { created: false, code: copy(codes.get(order)!) };
      if (codes.has(c.id)) return { created: false, code: null };
      codes.set(c.id, copy(c));
      byOrder.set(`${c.payer}\u0000${c.orderId}`, c.id);
      return { created: true, code: copy(c) };
    },
    async redeemAuthCode(id, match, by, nowMs, maxFailures) {
      const c = codes.get(id);
      const usable =
        c?.payer === match.payer &&
        c.amount === match.amount &&
        c.currency === match.currency &&
        c.expiresAtMs > nowMs &&
        c.failures < maxFailures &&
        (c.state === 'ACTIVE' || c.redeemedBy === by);
      if (!usable) return null;
      Object.assign(c, { state: 'REDEEMED', redeemedBy: by });
      return copy(c);
    },
    async countAuthCodeFailure(payer) {
      for (const c of codes.values()) if (c.payer === payer && c.state === 'ACTIVE') c.failures += 1;
    },
  };
}
