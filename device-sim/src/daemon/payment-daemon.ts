import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { base64url, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { ATTESTATION_TOKEN } from '../../../contracts/attestation-token.js';
import { AUTH_CODE_ORDER, AuthorisationCodeResult } from '../../../contracts/authorisation-code.js';
import type { WireMoney } from '../../../contracts/common.js';
import { DEVICE_REPORT, type DeviceReport } from '../../../contracts/device.js';
import { ENROLLMENT_PROOF } from '../../../contracts/enrollment.js';
import { PAYMENT, STEP_UP } from '../../../contracts/payment.js';
import {
  isFinalResult,
  PaymentRequestList,
  PaymentResult,
  RESULT,
  type FinalPaymentResult,
} from '../../../contracts/results.js';
import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';
import { contractJws, expectTyp, sha256b64url, verifyJws } from '../../../kit/src/jws.js';
import { inSpan, SpanKind } from '../../../kit/src/tracing.js';
import type { Caller } from '../access-policy.js';
import { MERCHANT_TAG_AID } from '../nfc/cards.js';
import { readRecord, selectAid, SW } from '../nfc/apdu.js';
import type { NfcController } from '../nfc/nfc-controller.js';
import { PcscClient, type Bridge, type SessionOptions } from '../nfc/pcsc-client.js';
import type { NativeUi } from '../ui/native-ui.js';
import type { Backend, DeviceChannel } from './backend.js';
import type { DaemonKeystore } from './keystore-port.js';
import { readTagRequest, type TagVerifier } from './tag-request.js';

const PAYMENT_KEY = 'payment';
/** The token claims the daemon reads (built once: a zod schema compiles on its first parse). */
const TOKEN_CLAIMS = ATTESTATION_TOKEN.schema.partial();
/** Re-attest when the token has less than this left. */
const TOKEN_MARGIN_MS = 5_000;

/** One step of the protocol, reported for the demo narration and tests. */
export interface Step {
  step: 'challenge' | 'attestation' | 'signed-payment' | 'risk' | 'ledger' | 'verified-response';
  detail: Record<string, unknown>;
}

export interface Enrollment {
  deviceId: string;
  accountId: string;
  tier: string;
  /** Why this tier (UPDATE_REQUIRED / UPDATE_AVAILABLE tell the phone to update). */
  reasons: string[];
  token: string;
  tokenExpiresAtMs: number;
  channel: DeviceChannel;
  resultKeys: ReturnType<typeof createLocalJWKSet>;
}

/** The interim answer of a payment that risk holds for a step-up. */
type StepUpRequired = Extract<PaymentResult, { status: 'STEP_UP_REQUIRED' }>;

export interface PaymentRequest {
  payee: string;
  amount: WireMoney;
  /** An integrator's request to pay that this payment answers (seed 003: only the daemon, with the PIN, pays it). */
  requestId?: string;
  idempotencyKey?: string;
  /**
   * Refusals by admission control (OVERLOADED) waited out before the payment is refused (default 3); a
   * load generator passes 0 to see each refusal as the backend gave it, and backs off itself.
   */
  overloadRetries?: number;
}

/** What the daemon is wired to on the phone. */
export interface DaemonDeps {
  keystore: DaemonKeystore;
  ui: NativeUi;
  backend: Backend;
  application: AttestationRecord['application'];
  nfc: NfcController;
  caller: Caller;
  onStep?: (s: Step) => void;
  /** The GeckoBridge hop of PC/SC traffic (tests replace it to observe or tamper). */
  bridge?: Bridge;
  /** The session request's relay and the key-exchange check (default: signed by the pinned NFC daemon key). */
  session?: SessionOptions;
  /** How a backend result is opened; absent, verifyBackendSignature (ES256 under the keys fetched at enrollment). */
  openResult?: ResultVerifier;
  /** How a merchant tag's signature is checked; absent, BACKEND_SIGNED_TAG. */
  checkTag?: TagVerifier;
  /** What an incoming call does to a payment waiting for confirmation; absent, CANCEL_ON_CALL. */
  onCall?: CallPolicy;
  /** What the modem reads from the SIM slot now (null: no SIM). */
  sim?: () => { msisdn: string; imsi: string } | null;
}

/** Given the moment the screen is lost to a call, what happens to the unconfirmed payment (a rejection cancels it). */
export type CallPolicy = (hidden: Promise<void>) => Promise<never>;

/** The production policy: the call cancels the payment with PAYMENT_CANCELLED before anything is signed. */
export const CANCEL_ON_CALL: CallPolicy = (hidden) =>
  hidden.then((): never => {
    throw new DfsError('PAYMENT_CANCELLED');
  });

/**
 * Opens a backend-signed result (typ already checked): its JSON
 * payload when the signature verifies under `keys`, else it throws.
 */
export type ResultVerifier = (jws: string, keys: Enrollment['resultKeys']) => Promise<unknown>;

/** The production result check: verifyJws (kit/src/jws.ts) under RESULT, by a key of the backend's published set. */
export const verifyBackendSignature: ResultVerifier = async (jws, keys) => (await verifyJws(jws, keys, RESULT)).payload;

/** A device report as the daemon composes it, before it gets its id and time. */
type Report = {
  [K in DeviceReport['kind']]: Omit<Extract<DeviceReport, { kind: K }>, 'reportId' | 'iat'>;
}[DeviceReport['kind']];

/**
 * The payment daemon: a native process with its own UID. It enrolls its keystore payment key with
 * the attestation service (again when the token is stale), reads merchant tags under nfc_lock,
 * shows amount and payee on the native UI, has the keystore verify the PIN and sign the payment,
 * cancels on an incoming call, and shows only results whose backend signature verifies (seed 000; R1, R3, R9).
 */
export class PaymentDaemon {
  enrollment?: Enrollment;
  private readonly keystore: DaemonKeystore;
  private readonly ui: NativeUi;
  private readonly backend: Backend;
  private readonly onStep: (s: Step) => void;
  #reportedImsi: string | undefined;

  constructor(private readonly deps: DaemonDeps) {
    this.keystore = deps.keystore;
    this.ui = deps.ui;
    this.backend = deps.backend;
    this.onStep = deps.onStep ?? (() => {});
  }

  /** Where the payment key lives: `ese`, or `software` on a phone without an eSE. */
  get securityLevel(): 'ese' | 'software' {
    return this.keystore.securityLevel;
  }

  /**
   * Enrolls (or re-attests): challenge, key generation on first
   * use, attestation, PIN-gated proof of possession, credentials.
   */
  async enroll(accountId: string): Promise<Enrollment> {
    try {
      return await this.#enroll(accountId);
    } finally {
      this.ui.release();
    }
  }

  async #enroll(accountId: string): Promise<Enrollment> {
    const challenge = await this.backend.createChallenge();
    const nonce = base64url.encode(challenge.nonce);
    this.onStep({
      step: 'challenge',
      detail: { challengeId: challenge.challengeId, expiresAtMs: Number(challenge.expiresAtMs) },
    });

    if (!this.keystore.hasKey(PAYMENT_KEY)) await this.keystore.generateSigningKey(PAYMENT_KEY);
    const chain = await this.keystore.attest(PAYMENT_KEY, nonce, this.deps.application);
    const tlsKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tlsSpki = tlsKeys.publicKey.export({ type: 'spki', format: 'der' });
    await this.ui.collectPin(
      { title: 'DFS Pay: set up', lines: ['Enrol this phone', `wallet ${accountId}`, 'Enter PIN to confirm'] },
      (pin) => this.#verifyPin(pin),
    );
    const proof = await contractJws(
      ENROLLMENT_PROOF,
      { challengeId: challenge.challengeId, tlsKeySha256: sha256b64url(tlsSpki), accountId },
      (data) => this.keystore.sign(PAYMENT_KEY, data),
    );

    const res = await this.backend.enroll({
      challengeId: challenge.challengeId,
      attestationChain: chain.map((c) => Buffer.from(c)),
      proof,
      tlsPublicKey: tlsSpki,
      accountId,
    });
    this.onStep({ step: 'attestation', detail: { deviceId: res.deviceId, tier: res.tier, reasons: res.reasons } });

    const keyPem = tlsKeys.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const channel = this.backend.connect({
      ca: this.backend.ca,
      cert: Buffer.from(res.clientCertificatePem),
      key: Buffer.from(keyPem),
    });
    const resultKeys = createLocalJWKSet(JSON.parse(await channel.resultKeys()) as JSONWebKeySet);
    this.enrollment?.channel.close();
    this.enrollment = {
      deviceId: res.deviceId,
      accountId,
      tier: res.tier,
      reasons: [...res.reasons],
      token: res.attestationToken,
      tokenExpiresAtMs: Number(res.tokenExpiresAtMs),
      channel,
      resultKeys,
    };
    await this.#reportSim();
    return this.enrollment;
  }

  /**
   * The PIN into the keystore; a wrong PIN or a lockout is reported
   * to the backend (eSE-signed) before the error reaches the user.
   */
  async #verifyPin(pin: string): Promise<void> {
    try {
      this.keystore.verifyPin(pin);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'PIN_WRONG' || code === 'PIN_LOCKED')
        await this.#report({ kind: code === 'PIN_WRONG' ? 'pin_failed' : 'pin_locked' });
      throw err;
    }
  }

  /** Reports the SIM in the slot when it is not the one last reported (the first after enrollment binds the number). */
  async #reportSim(): Promise<void> {
    const sim = this.deps.sim?.();
    if (!sim || sim.imsi === this.#reportedImsi) return;
    if (await this.#report({ kind: 'sim_changed', msisdn: sim.msisdn, imsiHash: sha256b64url(sim.imsi) }))
      this.#reportedImsi = sim.imsi;
  }

  /**
   * Signs a report with the payment key (DEVICE_REPORT, no PIN
   * needed) and sends it; false when it could not be delivered.
   */
  async #report(report: Report): Promise<boolean> {
    const e = this.enrollment;
    if (!e) return false;
    try {
      const jwk = await this.keystore.publicJwk(PAYMENT_KEY);
      const signed = await contractJws(
        DEVICE_REPORT,
        { reportId: randomUUID(), iat: Date.now(), ...report },
        (data) => this.keystore.signReport(PAYMENT_KEY, data),
        { jwk },
      );
      await e.channel.reportDevice({ signedReport: signed, attestationToken: e.token });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Reads a merchant tag's payment request over PC/SC under nfc_lock (E2E
   * with the NFC daemon), checks the backend signed it, then pays it.
   */
  async payFromTag(): Promise<FinalPaymentResult> {
    const { nfc, caller } = this.deps;
    nfc.lock(caller);
    let record: Uint8Array;
    try {
      const reader = await PcscClient.connect(nfc, caller, this.deps.bridge, this.deps.session);
      const selected = await reader.transmit(selectAid(MERCHANT_TAG_AID));
      if (selected.sw !== SW.OK) throw new DfsError('APDU_REFUSED', `SELECT ${selected.sw.toString(16)}`);
      const read = await reader.transmit(readRecord(1, 1));
      if (read.sw !== SW.OK) throw new DfsError('APDU_REFUSED', `READ RECORD ${read.sw.toString(16)}`);
      record = read.data;
    } finally {
      nfc.unlock(caller);
    }
    if (!this.enrollment) throw new DfsError('DEVICE_NOT_ENROLLED');
    const req = await readTagRequest(record, this.enrollment.resultKeys, this.deps.checkTag);
    return this.pay({ payee: req.payee, amount: req.amount });
  }

  /**
   * Re-attests when the token is stale, or when the amount is above what the token's attestation age
   * allows (`reattestAboveMinor` / `reattestWithinSec`), so the backend always sees a current posture.
   */
  async #freshEnrollment(minorUnits = 0): Promise<Enrollment> {
    const e = this.enrollment;
    if (!e) throw new DfsError('DEVICE_NOT_ENROLLED');
    const claims = (() => {
      try {
        return TOKEN_CLAIMS.parse(decodeJwt(e.token));
      } catch {
        return {};
      }
    })();
    const above = claims.reattestAboveMinor !== undefined && minorUnits > Number(claims.reattestAboveMinor);
    const ageLimitMs = Number(claims.reattestWithinSec ?? 0) * 1000 - TOKEN_MARGIN_MS;
    const tooOld = above && Date.now() - (claims.iat ?? 0) * 1000 > ageLimitMs;
    if (e.tokenExpiresAtMs - TOKEN_MARGIN_MS > Date.now() && !tooOld) return e;
    return this.#enroll(e.accountId);
  }

  /** Confirmation and PIN, cancelled with PAYMENT_CANCELLED if a call comes in before the PIN reaches the keystore. */
  async #confirmAndPin(lines: string[]): Promise<void> {
    const interrupted = (this.deps.onCall ?? CANCEL_ON_CALL)(this.ui.nextHidden());
    const steps = (async () => {
      if (!(await this.ui.confirm({ title: 'DFS Pay: confirm', lines: [...lines, '', 'OK to continue'] })))
        throw new DfsError('PAYMENT_CANCELLED');
      await this.ui.collectPin({ title: 'DFS Pay: PIN', lines }, (pin) => this.#verifyPin(pin));
    })();
    await Promise.race([steps, interrupted]);
  }

  /**
   * Pays: fresh token, native-UI confirmation, PIN into the keystore,
   * keystore signature, signed result verified before display.
   */
  async pay(req: PaymentRequest): Promise<FinalPaymentResult> {
    try {
      return await this.#pay(req);
    } finally {
      this.ui.release();
    }
  }

  async #pay(req: PaymentRequest): Promise<FinalPaymentResult> {
    const e = await this.#freshEnrollment(Number(req.amount.minorUnits));
    await this.#reportSim();
    const amountText = `${req.amount.currency} ${formatMinor(req.amount.minorUnits)}`;
    const lines = [`Pay ${amountText}`, `to ${req.payee}`, `from ${e.accountId}`];
    await this.#confirmAndPin(lines);

    const payload = {
      idempotencyKey: req.idempotencyKey ?? randomUUID(),
      payer: e.accountId,
      payee: req.payee,
      amount: req.amount,
      iat: Date.now(),
      ath: sha256b64url(e.token),
      ...(req.requestId ? { requestId: req.requestId } : {}),
    };
    const jwk = await this.keystore.publicJwk(PAYMENT_KEY);
    const signed = await contractJws(PAYMENT, payload, (data) => this.keystore.sign(PAYMENT_KEY, data), { jwk });
    this.onStep({
      step: 'signed-payment',
      detail: {
        idempotencyKey: payload.idempotencyKey,
        alg: 'ES256',
        signedBy: this.keystore.securityLevel === 'ese' ? 'eSE' : 'software keystore',
      },
    });

    const res = await submitWithRetry(
      e.channel,
      { signedPayment: signed, attestationToken: e.token },
      req.overloadRetries ?? OVERLOAD_RETRIES,
    );
    let result = await this.verifyResult(res.signedResult, signed, payload.idempotencyKey);
    if (stepUpRequired(result)) result = await this.#stepUp(e, result, signed, lines);
    if (!isFinalResult(result)) throw new DfsError('RESPONSE_MISMATCH');
    this.onStep({ step: 'risk', detail: result.risk });
    this.onStep({
      step: 'ledger',
      detail: {
        status: result.status,
        transactionId: result.transactionId,
        journalSeq: result.journalSeq,
        code: result.code,
      },
    });
    this.onStep({ step: 'verified-response', detail: { signatureVerified: true } });
    this.ui.show({
      title: 'DFS Pay: result',
      lines: [
        result.status === 'POSTED' ? 'Payment sent' : `Not sent: ${result.code}`,
        amountText,
        `to ${result.payee}`,
        `ref ${result.transactionId.slice(0, 12)}`,
      ],
    });
    return result;
  }

  /**
   * Step-up (R1): confirmation and a fresh PIN on the native UI, the
   * same key signs the challenge, then the final result is verified.
   */
  async #stepUp(e: Enrollment, interim: StepUpRequired, request: string, lines: string[]): Promise<PaymentResult> {
    await this.#confirmAndPin(['Extra check: confirm', ...lines]);
    const jwk = await this.keystore.publicJwk(PAYMENT_KEY);
    const confirmation = await contractJws(
      STEP_UP,
      {
        transactionId: interim.transactionId,
        challenge: interim.challenge,
        requestHash: interim.requestHash,
        iat: Date.now(),
      },
      (data) => this.keystore.sign(PAYMENT_KEY, data),
      { jwk },
    );
    const res = await e.channel.confirmStepUp({
      transactionId: interim.transactionId,
      signedConfirmation: confirmation,
      attestationToken: e.token,
    });
    const result = await this.verifyResult(res.signedResult, request, interim.idempotencyKey);
    if (result.transactionId !== interim.transactionId || stepUpRequired(result))
      throw new DfsError('RESPONSE_MISMATCH');
    return result;
  }

  /**
   * Pays an integrator's request to pay (seed 003): fetched signed
   * from the backend, then confirmed with the PIN like any payment.
   */
  async payRequest(requestId: string): Promise<FinalPaymentResult> {
    const e = await this.#freshEnrollment();
    const { signedResult } = await e.channel.paymentRequests(e.accountId);
    let list: PaymentRequestList;
    try {
      list = PaymentRequestList.parse(await this.#openSigned(signedResult, e.resultKeys));
    } catch (err) {
      if (err instanceof DfsError) throw err;
      throw new DfsError('RESPONSE_SIGNATURE_INVALID', undefined, { cause: err });
    }
    const found = list.accountId === e.accountId ? list.requests.find((r) => r.requestId === requestId) : undefined;
    if (!found) throw new DfsError('PAYMENT_REQUEST_NOT_FOUND');
    return this.pay({ payee: found.payee, amount: found.amount, requestId });
  }

  /**
   * A cash-out code (GSMA authorisation code): the amount confirmed on the native UI, the PIN into
   * the keystore, the order signed by the payment key; the backend's signed code is checked (it
   * answers this very order) and shown on the native UI for the customer to read to the agent. No
   * money moves here: the agent's withdrawal with the code does, once, for exactly this amount.
   */
  async createCashOutCode(amount: WireMoney): Promise<AuthorisationCodeResult> {
    try {
      const e = await this.#freshEnrollment(Number(amount.minorUnits));
      const amountText = `${amount.currency} ${formatMinor(amount.minorUnits)}`;
      await this.#confirmAndPin([`Cash-out code for ${amountText}`, `from ${e.accountId}`]);
      const order = {
        orderId: randomUUID(),
        payer: e.accountId,
        amount,
        iat: Date.now(),
        ath: sha256b64url(e.token),
      };
      const jwk = await this.keystore.publicJwk(PAYMENT_KEY);
      const signed = await contractJws(AUTH_CODE_ORDER, order, (data) => this.keystore.sign(PAYMENT_KEY, data), {
        jwk,
      });
      const res = await e.channel.createAuthorisationCode({ signedOrder: signed, attestationToken: e.token });
      let code: AuthorisationCodeResult;
      try {
        code = AuthorisationCodeResult.parse(await this.#openSigned(res.signedResult, e.resultKeys));
      } catch (err) {
        if (err instanceof DfsError) throw err;
        throw new DfsError('RESPONSE_SIGNATURE_INVALID', undefined, { cause: err });
      }
      if (code.orderId !== order.orderId || code.requestHash !== sha256b64url(signed.split('.')[1] ?? ''))
        throw new DfsError('RESPONSE_MISMATCH');
      const until = new Date(code.expiresAtMs).toISOString().slice(11, 16);
      this.ui.show({
        title: 'DFS Pay: cash-out code',
        lines: [code.authorisationCode, amountText, `valid until ${until} UTC`, 'Tell it only to the agent'],
      });
      return code;
    } finally {
      this.ui.release();
    }
  }

  /**
   * Settles a payment the phone gave up on (every send failed in transit): the backend's signed final
   * answer, POSTED or not, and if the payment never arrived, FAILED with PAYMENT_ABANDONED, after which
   * a copy still in transit cannot post. What the user was told ("not sent") then stays true.
   */
  async settle(idempotencyKey: string): Promise<PaymentResult> {
    const e = this.enrollment;
    if (!e) throw new DfsError('DEVICE_NOT_ENROLLED');
    const result = await this.#openResult((await e.channel.abandonPayment(e.accountId, idempotencyKey)).signedResult);
    if (result.idempotencyKey !== idempotencyKey || result.payer !== e.accountId)
      throw new DfsError('RESPONSE_MISMATCH');
    return result;
  }

  /**
   * The payload of a backend result: its typ checked here, whatever
   * `openResult` is wired, then its signature by `openResult`.
   */
  async #openSigned(jws: string, keys: Enrollment['resultKeys']): Promise<unknown> {
    expectTyp(decodeProtectedHeader(jws), RESULT);
    return (this.deps.openResult ?? verifyBackendSignature)(jws, keys);
  }

  async #openResult(jws: string): Promise<PaymentResult> {
    try {
      return PaymentResult.parse(await this.#openSigned(jws, this.enrollment!.resultKeys));
    } catch (err) {
      if (err instanceof DfsError) throw err;
      throw new DfsError('RESPONSE_SIGNATURE_INVALID', undefined, { cause: err });
    }
  }

  /** Verifies the backend signature and that the result answers this very request. */
  private async verifyResult(jws: string, request: string, idempotencyKey: string): Promise<PaymentResult> {
    const result = await this.#openResult(jws);
    if (result.requestHash !== sha256b64url(request.split('.')[1] ?? '') || result.idempotencyKey !== idempotencyKey)
      throw new DfsError('RESPONSE_MISMATCH');
    return result;
  }
}

/** True for the interim answer of a payment that risk holds for a step-up. */
const stepUpRequired = (r: PaymentResult): r is StepUpRequired => r.status === 'STEP_UP_REQUIRED';

/**
 * Failures after which the outcome is unknown (transport, or the
 * backend still finishing it): the same signed bytes are sent again.
 */
const RESEND_ON = new Set(['GRPC_DEADLINE_EXCEEDED', 'GRPC_UNAVAILABLE', 'TRANSACTION_IN_PROGRESS']);
const RESENDS = 2;
/** Refusals by admission control (OVERLOADED) the daemon waits out before telling the user, by default. */
const OVERLOAD_RETRIES = 3;

/** The server's retry hint with full jitter added, so refused phones do not come back together. */
export const backoffMs = (err: unknown) => {
  const hint = err instanceof DfsError && err.retryAfterMs !== undefined ? err.retryAfterMs : 50;
  return hint * (1 + Math.random());
};

/**
 * Submits a signed payment, resending the very same bytes when the transport failed with an unknown
 * outcome: the backend's idempotency returns the first result, so a resend never pays twice. A
 * refusal by admission control (nothing was stored) is waited out with the server's retry hint; if
 * the backend keeps refusing, the refusal is final, unless an earlier send's outcome is unknown: then
 * that unknown outcome is what the caller learns (and settles).
 */
function submitWithRetry(
  channel: DeviceChannel,
  req: { signedPayment: string; attestationToken: string },
  overloadRetries: number,
) {
  return inSpan('device-sim', 'phone.submit', { kind: SpanKind.CLIENT }, async () => {
    let unknown: unknown;
    for (let resends = 0, refusals = 0; ;) {
      try {
        return await channel.submitPayment(req);
      } catch (err) {
        const code = errorCodeOf(err);
        if (code === 'OVERLOADED' && refusals < overloadRetries) {
          refusals += 1;
          await new Promise((r) => setTimeout(r, backoffMs(err)));
        } else if (RESEND_ON.has(code) && resends < RESENDS) {
          resends += 1;
          unknown = err;
        } else throw code === 'OVERLOADED' && unknown ? unknown : err;
      }
    }
  });
}

/** 1250 -> "12.50" (two minor digits; display only). */
export function formatMinor(minor: string): string {
  const s = minor.padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
