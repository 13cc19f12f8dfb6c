import type { Account } from '../../domain/model.js';
import type { AccountStore } from '../ports.js';
import { copy } from '../../../../../kit/src/copy.js';

/** Accounts in process memory. */
export function memoryAccounts(): AccountStore {
  const accounts = new Map<string, Account>();
  const account = (id: string) => {
    const a = accounts.get(id);
    if (!a) throw new Error(`account ${id} vanished`);
    return a;
  };

  return {
    async createAccount(a) {
      if (accounts.has(a.id)) return false;
      accounts.set(a.id, copy(a));
      return true;
    },
    async getAccount(id) {
      const a = accounts.get(id);
      return a ? copy(a) : null;
    },
    async listAccounts() {
      return [...accounts.values()].map(copy);
    },
    async debit(id, transferId, amount) {
      const a = account(id);
      if (a.applied.includes(transferId)) return { outcome: 'already', balance: a.balance };
      if (a.balance < amount) return { outcome: 'insufficient', balance: a.balance };
      a.balance -= amount;
      a.applied.push(transferId);
      return { outcome: 'applied', balance: a.balance };
    },
    async credit(id, transferId, amount) {
      const a = account(id);
      if (a.applied.includes(transferId)) return 'already';
      a.balance += amount;
      a.applied.push(transferId);
      return 'applied';
    },
    async clearApplied(ids, transferId) {
      for (const id of ids) {
        const a = accounts.get(id);
        if (a) a.applied = a.applied.filter((t) => t !== transferId);
      }
    },
  };
}
