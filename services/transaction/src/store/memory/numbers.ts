import type { NumberBinding } from '../../domain/model.js';
import type { NumberStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Phone-number bindings in process memory, one per number; one older (`atMs`) than the stored one changes nothing. */
export function memoryNumbers(): NumberStore {
  const numbers = new Map<string, NumberBinding>();
  return {
    async bindNumber(b) {
      const stored = numbers.get(b.msisdn);
      if (!stored || stored.atMs <= b.atMs) numbers.set(b.msisdn, copy(b));
    },
    async getNumber(msisdn) {
      const b = numbers.get(msisdn);
      return b ? copy(b) : null;
    },
  };
}
