/** The risk service's decision trail record and its store key; feature documents live in features.ts and reserve.ts. */

import type { Decision, Hit } from './assess.js';
import type { OperatorAnswer } from './operator.js';
import type { ReservationOutcome } from './reserve.js';

/** The decision trail of one transaction, as GET /v1/decisions/{transactionId} returns it. */
export interface DecisionRecord {
  transactionId: string;
  atMs: number;
  deviceId: string;
  payer: string;
  payee: string;
  amount: { minorUnits: number; currency: string };
  requestedTier: string;
  /** 'payment' for a new payment, 'step-up' for the decision after a confirmed step-up. */
  stage: 'payment' | 'step-up';
  tier: string | null;
  decision: Decision;
  score: number;
  ruleIds: string[];
  hits: Hit[];
  reason: string;
  rulesetId: string;
  /** The operator's answer for this payment's bound number, when one was asked (CAMARA SIM Swap check). */
  operator?: OperatorAnswer;
  /** The refusal code of a fail-closed decline (SIM_SWAP_CHECK_UNAVAILABLE). */
  code?: string;
  /** The window totals and whether this payment's amount is held against them (approved and stepped-up payments). */
  limits?: ReservationOutcome;
}

/** The store key of a decision trail: the transaction id, suffixed for the step-up stage. */
export const trailKey = (transactionId: string, stage: DecisionRecord['stage'] = 'payment') =>
  stage === 'payment' ? transactionId : `${transactionId}#${stage}`;
