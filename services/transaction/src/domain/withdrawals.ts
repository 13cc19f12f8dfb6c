import { randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import { sha256b64url } from '../../../../kit/src/jws.js';
import { AUTH_CODE_MAX_FAILURES, authCodeKey } from './authorisation-codes.js';
import { answer, correlate, type MoveDeps } from './integrator-moves.js';
import type { Integrator } from './integrators.js';
import { checkOwnAndWallet, settled } from './credits.js';
import type { CheckDevice } from './device-standing.js';
import type { AuthorisationCode, Transfer } from './model.js';
import type { Money } from './money.js';
import { completeTransfer, type PaymentDeps } from './payments.js';

/** A cash-out an agent (an integrator) records after handing the customer the cash. */
export interface NewWithdrawal {
  /** The agent's X-CorrelationID: one withdrawal per id. */
  correlationId: string;
  /** The customer's wallet (debited). */
  payer: string;
  /** The agent's own account (credited). */
  payee: string;
  money: Money;
  /** The one-time code the customer's phone showed. */
  code: string;
  description: string;
}

export type WithdrawalDeps = MoveDeps &
  Pick<PaymentDeps, 'assessRisk'> & {
    /**
     * The device's standing as the registry answers it now (standingGate over the fresh standing in
     * production, like a step-up confirmation): a redeemed code is honoured only while the device
     * that made it still stands.
     */
    recheckDevice: CheckDevice;
  };

/** Refuses, before anything is stored, a withdrawal the agent may not record (into its own account, from a wallet). */
async function checkWithdrawal(integrator: Integrator, req: NewWithdrawal, deps: WithdrawalDeps): Promise<void> {
  if (!integrator.types?.includes('withdrawal')) throw new DfsError('CALLER_NOT_ALLOWED', 'type');
  const move = { own: req.payee, ownField: 'creditParty', wallet: req.payer, money: req.money };
  await checkOwnAndWallet(integrator, move, deps);
}

/**
 * Redeems the code for this request in one conditional write, or refuses with
 * AUTHORISATION_CODE_INVALID (the same code whether the code is unknown, used, expired, for another
 * amount, or locked by wrong guesses: no oracle). The try is charged to the payer's active codes
 * before it is tested, and only a charged try can redeem: a burst of concurrent guesses, on one
 * replica or several, gets at most AUTH_CODE_MAX_FAILURES of them tested, not one per request.
 * A try that redeems gives its charge back to the payer's other codes.
 */
async function redeem(by: string, req: NewWithdrawal, deps: WithdrawalDeps): Promise<AuthorisationCode> {
  const match = { payer: req.payer, amount: req.money.minorUnits, currency: req.money.currency };
  const tryId = randomUUID();
  const charged = await deps.store.chargeAuthCodeTry(req.payer, tryId, AUTH_CODE_MAX_FAILURES);
  const code = await deps.store.redeemAuthCode(authCodeKey(req.payer, req.code), match, by, tryId, deps.now());
  if (!code) throw new DfsError('AUTHORISATION_CODE_INVALID');
  if (charged) await deps.store.refundAuthCodeTry(req.payer, tryId);
  return code;
}

/**
 * GSMA withdrawal (cash-out) at an agent: the customer made a one-time code on the phone (native UI,
 * PIN, eSE signature; createAuthorisationCode), read it to the agent, and the agent records the
 * withdrawal with it. The code is redeemed once, atomically, for exactly its wallet and amount; then
 * the transfer from the wallet to the agent's account goes the way of every payment: risk decides
 * for the ordering device and tier (the code's PIN confirmation counts as a confirmed step-up, so
 * only a veto or the decline threshold refuses, and the amount is reserved against the device's
 * limits), and the ledger posts it with the conditional debit. A code is spent even when the
 * withdrawal is declined or fails. Between the two, the device that made the code is asked of the
 * registry afresh: revoked (or to re-attest, or revoked and reinstated since the code) refuses with
 * the step-up confirmation's codes and nothing moves. Idempotent per (agent, X-CorrelationID).
 */
export async function integratorWithdrawal(
  integrator: Integrator,
  req: NewWithdrawal,
  deps: WithdrawalDeps,
): Promise<string> {
  await checkWithdrawal(integrator, req, deps);
  const { correlationId, payer, payee, money, description } = req;
  const body = ['withdrawal', payer, payee, money, description, authCodeKey(payer, req.code)];
  // Its payer is the customer's wallet: typed, so that no phone lists it as a request to pay.
  const claim = {
    payer,
    payee,
    amount: money.minorUnits,
    currency: money.currency,
    description,
    body,
    type: 'withdrawal' as const,
  };
  const known = await deps.store.findRequest(integrator.id, correlationId);
  const done = known?.transactionId ? await deps.store.getTransfer(known.transactionId) : null;
  if (known && done)
    return answer(integrator, (await correlate(integrator, correlationId, claim, deps)).request, done, deps);

  const code = await redeem(`${integrator.id}:${correlationId}`, req, deps);
  // A code is authority held for later, like a payment held for step-up: a device revoked since it
  // made the code (whether or not the revocation's event has arrived) completes nothing. The code
  // stays spent for this request; a retry with the same X-CorrelationID asks again.
  await deps.recheckDevice(code.deviceId, code.createdAtMs);
  const { request } = await correlate(integrator, correlationId, claim, deps);
  const draft: Transfer = {
    id: randomUUID(),
    payer,
    payee,
    amount: money.minorUnits,
    currency: money.currency,
    idempotencyKey: `#withdrawal:${code.id}`,
    requestHash: sha256b64url(JSON.stringify(body)),
    deviceId: code.deviceId,
    kind: 'withdrawal',
    state: 'PENDING',
    risk: null,
    code: null,
    result: null,
    createdAtMs: deps.now(),
    tier: code.tier,
  };
  const { created, transfer } = await deps.store.insertTransfer(draft);
  if (created) {
    const risk = await deps.assessRisk(transfer, code.tier, 'step-up').catch(() => null);
    if (risk) {
      await deps.store.setRisk(transfer.id, risk);
      transfer.risk = risk;
    }
    await completeTransfer(transfer, deps);
  }
  return answer(integrator, request, await settled(transfer.id, deps), deps);
}
