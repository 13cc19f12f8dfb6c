import { z } from 'zod';
import { STEP_UP } from '../../../../contracts/payment.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { Peer } from '../../../../kit/src/tls.js';
import { verifyDeviceJws, verifyToken } from './authorize.js';
import { paymentEvent } from './events.js';
import { completeTransfer, storedResult, type PaymentDeps } from './payments.js';

/**
 * Completes a payment held for step-up (R1): the confirmation must be a fresh JWS by the same eSE
 * key that signed the payment (so it needed a new PIN verification), over this transaction's
 * challenge and request hash, sent by the same device. Then it is decided again (recheckStepUp: the
 * device must still stand, risk asked again) and posts or is declined; the signed final result is returned. A late
 * confirmation gets the DECLINED result (STEP_UP_EXPIRED).
 */
export async function confirmStepUp(
  transactionId: string,
  signedConfirmation: string,
  token: string,
  peer: Peer,
  deps: PaymentDeps,
): Promise<string> {
  if (!z.uuid().safeParse(transactionId).success || signedConfirmation.length > 4096 || token.length > 8192)
    throw new DfsError('INVALID_ARGUMENT');
  const claims = await verifyToken(token, deps);
  const { payload, jkt } = await verifyDeviceJws(signedConfirmation, claims, STEP_UP, deps.deviceJws);
  const parsed = STEP_UP.schema.safeParse(payload);
  if (!parsed.success)
    throw new DfsError('INVALID_ARGUMENT', parsed.error.issues.map((i) => i.path.join('.')).join(','));
  const c = parsed.data;
  if (peer.role !== 'device' || peer.name !== claims.sub) throw new DfsError('PAYMENT_DEVICE_MISMATCH');
  if (Math.abs(deps.now() - c.iat) > deps.freshnessMs) throw new DfsError('PAYMENT_STALE');

  const t = await deps.store.getTransfer(transactionId);
  if (!t || t.deviceId !== claims.sub) throw new DfsError('TRANSACTION_NOT_FOUND');
  if (c.transactionId !== t.id || c.requestHash !== t.requestHash || (t.jkt && t.jkt !== jkt))
    throw new DfsError('STEP_UP_INVALID');
  if (!t.stepUp) {
    if (t.result || (t.state === 'PENDING' && t.risk?.decision === 'APPROVE')) return storedResult(t.id, deps.store);
    throw new DfsError('STEP_UP_NOT_PENDING');
  }
  if (c.challenge !== t.stepUp.challenge) throw new DfsError('STEP_UP_INVALID');
  if (deps.now() > t.stepUp.expiresAtMs) return completeTransfer(t, deps);

  const again = await deps.recheckStepUp(t, claims);
  const approved = again.decision !== 'DECLINE';
  const risk = {
    decision: approved ? ('APPROVE' as const) : ('DECLINE' as const),
    ruleIds: [...(t.risk?.ruleIds ?? []), 'stepUp.confirmed', ...(approved ? [] : again.ruleIds)],
    reason: approved
      ? 'step-up confirmed with a fresh PIN in the eSE'
      : `step-up confirmed, then declined: ${again.reason}`,
    ...(!approved && again.code ? { code: again.code } : {}),
  };
  if (!(await deps.store.passStepUp(t.id, c.challenge, risk))) return storedResult(t.id, deps.store);
  if (approved) await deps.store.addOutbox([paymentEvent('payment.approved', t, deps.now(), { risk })]);
  return completeTransfer({ ...t, risk, stepUp: null }, deps);
}
