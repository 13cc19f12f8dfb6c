import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { recoverPending, submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { confirmStepUp } from '../../../services/transaction/src/domain/stepup.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, payloadOf, type Harness } from './harness.js';

async function steppedUp(h: Harness) {
  h.risk.answer = async () => ({ decision: 'STEP_UP', ruleIds: ['tier.stepUp'], reason: 'large' });
  const p = await h.phone(100_000);
  const m = await h.merchant();
  const signed = await p.sign(p.payment(m, 50_000));
  const interim = await submitPayment(signed, p.token, p.peer, h.deps);
  const r = payloadOf(interim);
  const confirmation = (over: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    p.signRaw(
      { transactionId: r.transactionId, challenge: r.challenge, requestHash: r.requestHash, iat: h.clock.now, ...over },
      { typ: 'dfs-stepup+jws', ...header },
    );
  return { p, m, signed, interim, r, confirmation };
}

describe('step-up (R1): risk STEP_UP holds the payment for a fresh PIN-verified eSE confirmation', () => {
  it(
    'holds the transfer PENDING with a signed challenge, ' + 'moves nothing, and answers retries with the same bytes',
    async () => {
      const h = await harness();
      const { p, signed, interim, r } = await steppedUp(h);
      expect([r.status, r.challenge.length]).toEqual(['STEP_UP_REQUIRED', 43]);
      expect((await h.store.getTransfer(r.transactionId))?.state).toBe('PENDING');
      expect((await h.store.getAccount(p.accountId))?.balance).toBe(100_000);
      expect(await submitPayment(signed, p.token, p.peer, h.deps)).toBe(interim);
    },
  );

  it(
    'posts once after a valid confirmation; concurrent ' + 'and repeated confirmations get the same final result',
    async () => {
      const h = await harness();
      const { p, m, r, confirmation } = await steppedUp(h);
      const c = await confirmation();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => confirmStepUp(r.transactionId, c, p.token, p.peer, h.deps)),
      );
      expect(new Set(results).size).toBe(1);
      const final = payloadOf(results[0]!);
      expect([final.status, final.risk.ruleIds]).toEqual(['POSTED', ['tier.stepUp', 'stepUp.confirmed']]);
      expect((await h.store.getAccount(m))?.balance).toBe(50_000);
      expect(await confirmStepUp(r.transactionId, await confirmation(), p.token, p.peer, h.deps)).toBe(results[0]);
    },
  );

  it(
    'refuses a wrong challenge or request hash (STEP_UP_INVALID), another key ' +
      '(PAYMENT_KEY_NOT_BOUND), another device (TRANSACTION_NOT_FOUND), a stale one (PAYMENT_STALE)',
    async () => {
      const h = await harness();
      const { p, m, r, confirmation } = await steppedUp(h);
      const other = await h.phone(1_000);
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const foreign = await new CompactSign(
        new TextEncoder().encode(
          JSON.stringify({
            transactionId: r.transactionId,
            challenge: r.challenge,
            requestHash: r.requestHash,
            iat: h.clock.now,
          }),
        ),
      )
        .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
        .sign(privateKey);
      expect(
        await codeOf(
          confirmStepUp(r.transactionId, await confirmation({ challenge: 'A'.repeat(43) }), p.token, p.peer, h.deps),
        ),
      ).toBe('STEP_UP_INVALID');
      expect(
        await codeOf(
          confirmStepUp(r.transactionId, await confirmation({ requestHash: 'A'.repeat(43) }), p.token, p.peer, h.deps),
        ),
      ).toBe('STEP_UP_INVALID');
      expect(await codeOf(confirmStepUp(r.transactionId, foreign, p.token, p.peer, h.deps))).toBe(
        'PAYMENT_KEY_NOT_BOUND',
      );
      expect(
        await codeOf(
          confirmStepUp(
            r.transactionId,
            await other.signRaw(
              { transactionId: r.transactionId, challenge: r.challenge, requestHash: r.requestHash, iat: h.clock.now },
              { typ: 'dfs-stepup+jws' },
            ),
            other.token,
            other.peer,
            h.deps,
          ),
        ),
      ).toBe('TRANSACTION_NOT_FOUND');
      expect(
        await codeOf(
          confirmStepUp(r.transactionId, await confirmation({ iat: h.clock.now - 200_000 }), p.token, p.peer, h.deps),
        ),
      ).toBe('PAYMENT_STALE');
      expect(await codeOf(confirmStepUp('not-a-uuid', await confirmation(), p.token, p.peer, h.deps))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(
        await codeOf(confirmStepUp(r.transactionId, await confirmation({ extra: 1 }), p.token, p.peer, h.deps)),
      ).toBe('INVALID_ARGUMENT');
      expect((await h.store.getTransfer(r.transactionId))?.state).toBe('PENDING');
      expect((await h.store.getAccount(m))?.balance).toBe(0);
    },
  );

  it(
    'declines a confirmation that comes after the step-up expired ' +
      '(STEP_UP_EXPIRED), and recovery keeps only unexpired step-ups waiting',
    async () => {
      const h = await harness();
      const a = await steppedUp(h);
      const b = await steppedUp(h);
      expect(await recoverPending(h.deps)).toBe(0);
      h.clock.now += 61_000;
      const late = payloadOf(
        await confirmStepUp(a.r.transactionId, await a.confirmation(), a.p.token, a.p.peer, h.deps),
      );
      expect([late.status, late.code]).toEqual(['DECLINED', 'STEP_UP_EXPIRED']);
      expect(await recoverPending(h.deps)).toBe(1);
      expect((await h.store.getTransfer(b.r.transactionId))?.code).toBe('STEP_UP_EXPIRED');
      expect(
        payloadOf(await confirmStepUp(b.r.transactionId, await b.confirmation(), b.p.token, b.p.peer, h.deps)).code,
      ).toBe('STEP_UP_EXPIRED');
      expect((await h.store.getAccount(b.p.accountId))?.balance).toBe(100_000);
    },
  );

  it(
    'a confirmation risk declines again is refused with RISK_DECLINED, or with ' +
      'the code of a fail-closed refusal (SIM_SWAP_CHECK_UNAVAILABLE); nothing moves',
    async () => {
      const h = await harness();
      const a = await steppedUp(h);
      h.risk.again = async () => ({ decision: 'DECLINE', ruleIds: ['pin.locked'], reason: 'locked' });
      const declined = payloadOf(
        await confirmStepUp(a.r.transactionId, await a.confirmation(), a.p.token, a.p.peer, h.deps),
      );
      expect([declined.status, declined.code]).toEqual(['DECLINED', 'RISK_DECLINED']);
      const b = await steppedUp(h);
      h.risk.again = async () => ({
        decision: 'DECLINE',
        ruleIds: ['sim.operatorUnavailable'],
        reason: 'operator',
        code: 'SIM_SWAP_CHECK_UNAVAILABLE',
      });
      const closed = payloadOf(
        await confirmStepUp(b.r.transactionId, await b.confirmation(), b.p.token, b.p.peer, h.deps),
      );
      expect([closed.status, closed.code]).toEqual(['DECLINED', 'SIM_SWAP_CHECK_UNAVAILABLE']);
      expect((await h.store.getAccount(a.p.accountId))?.balance).toBe(100_000);
      expect((await h.store.getAccount(b.p.accountId))?.balance).toBe(100_000);
    },
  );
});
