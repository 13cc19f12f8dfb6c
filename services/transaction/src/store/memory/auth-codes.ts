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
    async chargeAuthCodeTry(payer, tryId, maxFailures) {
      let charged = false;
      for (const c of codes.values())
        if (c.payer === payer && c.state === 'ACTIVE' && c.failures < maxFailures) {
          c.failures += 1;
          c.tries.push(tryId);
          charged = true;
        }
      return charged;
    },
    async redeemAuthCode(id, match, by, tryId, nowMs) {
      const c = codes.get(id);
      const usable =
        c?.payer === match.payer &&
        c.amount === match.amount &&
        c.currency === match.currency &&
        c.expiresAtMs > nowMs &&
        ((c.state === 'ACTIVE' && c.tries.includes(tryId)) || (c.state === 'REDEEMED' && c.redeemedBy === by));
      if (!usable) return null;
      Object.assign(c, { state: 'REDEEMED', redeemedBy: by });
      return copy(c);
    },
    async refundAuthCodeTry(payer, tryId) {
      for (const c of codes.values())
        if (c.payer === payer && c.tries.includes(tryId)) {
          c.failures -= 1;
          c.tries = c.tries.filter((t) => t !== tryId);
        }
    },
  };
}
