import { createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN } from '../../../contracts/access-token.js';
import { AUTH_CODE_ORDER } from '../../../contracts/authorisation-code.js';
import { ATTESTATION_STATUS_LIST } from '../../../contracts/attestation-status.js';
import { ATTESTATION_TOKEN } from '../../../contracts/attestation-token.js';
import { DEVICE_REPORT, KAI_PACKAGE, MERCHANT_TAG, PIN_RESET } from '../../../contracts/device.js';
import { ENROLLMENT_PROOF } from '../../../contracts/enrollment.js';
import { FOTA_MANIFEST } from '../../../contracts/firmware.js';
import { JOURNAL_CHECKPOINT } from '../../../contracts/journal.js';
import { PAYMENT, STEP_UP } from '../../../contracts/payment.js';
import { RESULT } from '../../../contracts/results.js';
import type { SignedContract } from '../../../contracts/signed.js';
import { compactJws, signJws, verifyJws, verifyJwt } from '../../../kit/src/jws.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { submitPayment } from '../../../services/transaction/src/domain/payments.js';
import { confirmStepUp } from '../../../services/transaction/src/domain/stepup.js';
import { verifyToken } from '../../../services/transaction/src/domain/authorize.js';
import { codeOf } from '../../support/expect-code.js';
import { productionFiles } from '../../support/source.js';
import { harness, payloadOf } from '../transaction/harness.js';

/** Every kind of JWS the stack signs. */
const CONTRACTS: Record<string, SignedContract> = {
  PAYMENT,
  STEP_UP,
  ENROLLMENT_PROOF,
  ATTESTATION_TOKEN,
  RESULT,
  PIN_RESET,
  MERCHANT_TAG,
  FOTA_MANIFEST,
  KAI_PACKAGE,
  ATTESTATION_STATUS_LIST,
  JOURNAL_CHECKPOINT,
  DEVICE_REPORT,
  ACCESS_TOKEN,
  AUTH_CODE_ORDER,
};
const KINDS = Object.entries(CONTRACTS);

/** Signs `payload` with `key`, under any header, as an attacker who holds a genuine key could. */
const signAs = async (key: CryptoKey, header: object, payload: object) => {
  const sign = async (data: Uint8Array) =>
    new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new Uint8Array(data)));
  return compactJws({ alg: 'ES256', ...header }, payload, sign);
};

describe('every JWS kind has its own typ and every verification checks it', () => {
  it('the typ values are distinct', () => {
    const typs = KINDS.map(([, c]) => c.typ);
    expect(new Set(typs).size).toBe(typs.length);
  });

  it.each(KINDS)(
    '%s: its own typ verifies; every other typ, and none, is JWS_TYPE_MISMATCH',
    async (_name, contract) => {
      const { key } = await generateSigningKey();
      const payload = { any: 'payload' };
      await expect(
        verifyJws(await signAs(key.privateKey, { typ: contract.typ }, payload), key.publicJwk, contract),
      ).resolves.toMatchObject({ payload });
      for (const [, other] of KINDS.filter(([, c]) => c !== contract)) {
        expect(
          await codeOf(verifyJws(await signAs(key.privateKey, { typ: other.typ }, payload), key.publicJwk, contract)),
        ).toBe('JWS_TYPE_MISMATCH');
      }
      expect(await codeOf(verifyJws(await signAs(key.privateKey, {}, payload), key.publicJwk, contract))).toBe(
        'JWS_TYPE_MISMATCH',
      );
    },
  );

  it('signJws sets the contract typ and refuses a payload its schema refuses', async () => {
    const { key } = await generateSigningKey();
    const jws = await signJws(PIN_RESET, { imei: '490154203237518', nonce: 'n', exp: 1 }, key);
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', typ: 'dfs-pin-reset+jws', kid: key.kid });
    expect(() => signJws(PIN_RESET, { imei: 1 } as never, key)).toThrow();
  });

  it('in production code only kit/src/jws.ts signs or verifies a JWS, so no verification skips the typ', () => {
    const raw =
      /\b(compactVerify|jwtVerify|flattenedVerify|generalVerify|CompactSign|SignJWT|FlattenedSign|GeneralSign)\b/;
    const offenders = productionFiles()
      .filter((f) => f.path !== 'kit/src/jws.ts' && raw.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('each kind is verified somewhere in production code, through its contract', () => {
    // authorizeOrder (services/transaction/src/domain/authorize.ts) verifies the device orders it is given through
    // verifyDeviceJws under that contract
    const text = productionFiles()
      .map((f) => f.text)
      .join('\n');
    for (const [name] of KINDS) {
      expect(
        new RegExp(`(verifyJws|verifyJwt|verifyDeviceJws|authorizeOrder)\\([^;]*\\b${name}\\b`).test(text),
        `${name} is never verified`,
      ).toBe(true);
    }
  });
});

describe('the services refuse a genuine signature over another kind of payload (JWS_TYPE_MISMATCH)', () => {
  it('a payment re-signed as a step-up confirmation, and a confirmation signed as a payment', async () => {
    const h = await harness();
    const p = await h.phone(100_000);
    const m = await h.merchant();
    expect(
      await codeOf(submitPayment(await p.signRaw(p.payment(m, 100), { typ: STEP_UP.typ }), p.token, p.peer, h.deps)),
    ).toBe('JWS_TYPE_MISMATCH');
    expect(payloadOf(await submitPayment(await p.sign(p.payment(m, 100)), p.token, p.peer, h.deps)).status).toBe(
      'POSTED',
    );

    h.risk.answer = async () => ({ decision: 'STEP_UP', ruleIds: ['tier.stepUp'], reason: 'large' });
    const r = payloadOf(await submitPayment(await p.sign(p.payment(m, 50_000)), p.token, p.peer, h.deps));
    expect(r.status).toBe('STEP_UP_REQUIRED');
    const confirmation = {
      transactionId: r.transactionId,
      challenge: r.challenge,
      requestHash: r.requestHash,
      iat: h.clock.now,
    };
    expect(
      await codeOf(
        confirmStepUp(r.transactionId, await p.signRaw(confirmation, { typ: PAYMENT.typ }), p.token, p.peer, h.deps),
      ),
    ).toBe('JWS_TYPE_MISMATCH');
    expect(
      payloadOf(
        await confirmStepUp(
          r.transactionId,
          await p.signRaw(confirmation, { typ: STEP_UP.typ }),
          p.token,
          p.peer,
          h.deps,
        ),
      ).status,
    ).toBe('POSTED');
  });

  it('an attestation token signed by the token key under another typ', async () => {
    const h = await harness();
    const p = await h.phone(0);
    const { key } = await generateSigningKey();
    const deps = { tokenKeys: createLocalJWKSet({ keys: [key.publicJwk] }), now: () => Date.now() };
    const claims = decodeJwt(p.token);
    const header = { kid: key.kid };
    await expect(
      verifyToken(await signAs(key.privateKey, { ...header, typ: ATTESTATION_TOKEN.typ }, claims), deps),
    ).resolves.toMatchObject({ sub: p.deviceId });
    expect(await codeOf(verifyToken(await signAs(key.privateKey, { ...header, typ: RESULT.typ }, claims), deps))).toBe(
      'JWS_TYPE_MISMATCH',
    );
    expect(
      await codeOf(verifyJwt(await signAs(key.privateKey, header, claims), key.publicJwk, ATTESTATION_TOKEN)),
    ).toBe('JWS_TYPE_MISMATCH');
  });
});
