/** A payment as the load generator saw it end. */
export interface SeenPayment {
  transactionId: string;
  payer: string;
  payee: string;
  minorUnits: number;
  idempotencyKey: string;
  /**
   * ERROR: the outcome is unknown (every send failed in transit) until settled after the run.
   * REFUSED: admission control refused every send before storing anything (OVERLOADED).
   */
  status: 'POSTED' | 'DECLINED' | 'FAILED' | 'ERROR' | 'REFUSED';
}

/**
 * What the ledger says after the run: balances of the accounts
 * the run touched, and the journal entry of each posted payment.
 */
export interface LedgerView {
  balances: Map<string, number>;
  /** transaction id -> journal sequence number, for transfers the ledger reports POSTED. */
  posted: Map<string, number>;
  /** Refused payments the ledger nevertheless knows (by payer and idempotency key); must be 0. */
  refusedStored?: number;
}

export interface Invariants {
  balancesConserved: boolean;
  noNegativeBalance: boolean;
  lost: number;
  duplicated: number;
  /** Payments whose outcome is still unknown after settling: the balances cannot be vouched for. */
  unknown: number;
  /** Payments refused by admission control that the ledger stored anyway (posted later, or pending). */
  refusedButStored: number;
  ok: boolean;
}

/**
 * The correctness check of a load run, from the outside: every payment the generator saw accepted
 * is posted in the ledger (else lost); no journal entry is claimed by two payments and no payment
 * was seen twice (else duplicated); each account's balance equals its opening balance plus what the
 * accepted payments moved, so the sum is unchanged; no balance is negative; no outcome is unknown;
 * no payment refused by admission control was stored.
 */
export function checkInvariants(opening: Map<string, number>, seen: SeenPayment[], ledger: LedgerView): Invariants {
  const expected = new Map(opening);
  const seqs = new Set<number>();
  const ids = new Set<string>();
  let lost = 0;
  let duplicated = 0;
  for (const p of seen) {
    if (p.status !== 'POSTED') continue;
    const seq = ledger.posted.get(p.transactionId);
    if (seq === undefined) lost += 1;
    else if (seqs.has(seq) || ids.has(p.transactionId)) duplicated += 1;
    else seqs.add(seq);
    ids.add(p.transactionId);
    expected.set(p.payer, (expected.get(p.payer) ?? 0) - p.minorUnits);
    expected.set(p.payee, (expected.get(p.payee) ?? 0) + p.minorUnits);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const balancesConserved =
    sum(opening) === sum(ledger.balances) && [...expected].every(([a, v]) => ledger.balances.get(a) === v);
  const noNegativeBalance = [...ledger.balances.values()].every((b) => b >= 0);
  const unknown = seen.filter((p) => p.status === 'ERROR').length;
  const refusedButStored = ledger.refusedStored ?? 0;
  return {
    balancesConserved,
    noNegativeBalance,
    lost,
    duplicated,
    unknown,
    refusedButStored,
    ok:
      balancesConserved &&
      noNegativeBalance &&
      lost === 0 &&
      duplicated === 0 &&
      unknown === 0 &&
      refusedButStored === 0,
  };
}
