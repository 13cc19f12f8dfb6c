import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { base64url, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { PAYMENT_DAEMON_UID, type AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { compactJws, sha256b64url } from '../../../kit/src/jws.js';
import type { SecureElement } from '../ese/secure-element.js';
import type { NativeUi } from '../ui/native-ui.js';
import type { Backend, DeviceChannel } from './backend.js';

const PAYMENT_KEY = 'payment';

/** One step of the protocol, reported for the demo narration and tests. */
export interface Step {
  step: 'challenge' | 'attestation' | 'signed-payment' | 'risk' | 'ledger' | 'verified-response';
  detail: Record<string, unknown>;
}

export interface Enrollment {
  deviceId: string;
  accountId: string;
  tier: string;
  token: string;
  tokenExpiresAtMs: number;
  channel: DeviceChannel;
  resultKeys: ReturnType<typeof createLocalJWKSet>;
}

/** What the backend signed about a payment; the daemon shows nothing else. */
export interface PaymentResult {
  transactionId: string;
  idempotencyKey: string;
  status: 'POSTED' | 'DECLINED' | 'FAILED';
  code?: string;
  payer: string;
  payee: string;
  amount: { minorUnits: string; currency: string };
  payerBalance?: { minorUnits: string; currency: string };
  risk: { decision: string; ruleIds: string[]; reason: string };
  journalSeq?: number;
  requestHash: string;
}

export interface PaymentRequest {
  payee: string;
  amount: { minorUnits: string; currency: string };
  idempotencyKey?: string;
}

/**
 * The payment daemon: a native process with its own UID. It enrolls the eSE payment key with the
 * attestation service, shows amount and payee on the native UI, has the eSE verify the PIN and sign
 * the payment, and reports only results whose backend signature verifies (seed 000; R1, R3, R9).
 */
export class PaymentDaemon {
  enrollment?: Enrollment;

  constructor(
    private readonly ese: SecureElement,
    private readonly ui: NativeUi,
    private readonly backend: Backend,
    private readonly application: AttestationRecord['application'],
    private readonly onStep: (s: Step) => void = () => {},
  ) {}

  /** Enrolls: challenge, eSE key generation and attestation, PIN-gated proof of possession, credentials. */
  async enroll(accountId: string): Promise<Enrollment> {
    const challenge = await this.backend.createChallenge();
    const nonce = base64url.encode(challenge.nonce);
    this.onStep({ step: 'challenge', detail: { challengeId: challenge.challengeId, expiresAtMs: Number(challenge.expiresAtMs) } });

    await this.ese.generateKey(PAYMENT_DAEMON_UID, PAYMENT_KEY, { authBound: true });
    const chain = await this.ese.attestKey(PAYMENT_DAEMON_UID, PAYMENT_KEY, nonce, this.application);
    const tlsKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tlsSpki = tlsKeys.publicKey.export({ type: 'spki', format: 'der' });
    await this.ui.collectPin({ title: 'DFS Pay: set up', lines: ['Enrol this phone', `wallet ${accountId}`, 'Enter PIN to confirm'] },
      (pin) => this.ese.verifyPin(PAYMENT_DAEMON_UID, pin));
    const proof = await compactJws({ alg: 'ES256', typ: 'dfs-enroll+jws' }, { challengeId: challenge.challengeId, tlsKeySha256: sha256b64url(tlsSpki), accountId },
      (data) => this.ese.sign(PAYMENT_DAEMON_UID, PAYMENT_KEY, data));

    const res = await this.backend.enroll({ challengeId: challenge.challengeId, attestationChain: chain.map((c) => Buffer.from(c)), proof, tlsPublicKey: tlsSpki, accountId });
    this.onStep({ step: 'attestation', detail: { deviceId: res.deviceId, tier: res.tier, reasons: res.reasons } });

    const keyPem = tlsKeys.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const channel = this.backend.connect({ ca: this.backend.ca, cert: Buffer.from(res.clientCertificatePem), key: Buffer.from(keyPem) });
    const resultKeys = createLocalJWKSet(JSON.parse(await channel.resultKeys()) as JSONWebKeySet);
    this.enrollment?.channel.close();
    this.enrollment = { deviceId: res.deviceId, accountId, tier: res.tier, token: res.attestationToken, tokenExpiresAtMs: Number(res.tokenExpiresAtMs), channel, resultKeys };
    return this.enrollment;
  }

  /** Confirms on the native UI, takes the PIN into the eSE, signs, submits, and verifies the signed result. */
  async pay(req: PaymentRequest): Promise<PaymentResult> {
    const e = this.enrollment;
    if (!e) throw new DfsError('DEVICE_NOT_ENROLLED');
    const amountText = `${req.amount.currency} ${formatMinor(req.amount.minorUnits)}`;
    const lines = [`Pay ${amountText}`, `to ${req.payee}`, `from ${e.accountId}`];
    if (!(await this.ui.confirm({ title: 'DFS Pay: confirm', lines: [...lines, '', 'OK to continue'] }))) throw new DfsError('PAYMENT_CANCELLED');
    await this.ui.collectPin({ title: 'DFS Pay: PIN', lines }, (pin) => this.ese.verifyPin(PAYMENT_DAEMON_UID, pin));

    const payload = {
      idempotencyKey: req.idempotencyKey ?? randomUUID(),
      payer: e.accountId,
      payee: req.payee,
      amount: req.amount,
      iat: Date.now(),
      ath: sha256b64url(e.token),
    };
    const jwk = await this.ese.publicJwk(PAYMENT_DAEMON_UID, PAYMENT_KEY);
    const signed = await compactJws({ alg: 'ES256', typ: 'dfs-payment+jws', jwk }, payload, (data) => this.ese.sign(PAYMENT_DAEMON_UID, PAYMENT_KEY, data));
    this.onStep({ step: 'signed-payment', detail: { idempotencyKey: payload.idempotencyKey, alg: 'ES256', signedBy: 'eSE' } });

    const res = await e.channel.submitPayment({ signedPayment: signed, attestationToken: e.token });
    const result = await this.verifyResult(res.signedResult, signed, payload.idempotencyKey);
    this.onStep({ step: 'risk', detail: result.risk });
    this.onStep({ step: 'ledger', detail: { status: result.status, transactionId: result.transactionId, journalSeq: result.journalSeq, code: result.code } });
    this.onStep({ step: 'verified-response', detail: { signatureVerified: true } });
    this.ui.show({ title: 'DFS Pay: result', lines: [result.status === 'POSTED' ? 'Payment sent' : `Not sent: ${result.code ?? result.status}`, amountText, `to ${result.payee}`, `ref ${result.transactionId.slice(0, 12)}`] });
    return result;
  }

  /** Verifies the backend signature and that the result answers this very request. */
  private async verifyResult(jws: string, request: string, idempotencyKey: string): Promise<PaymentResult> {
    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(jws, this.enrollment!.resultKeys, { algorithms: ['ES256'] }));
    } catch (err) {
      throw new DfsError('RESPONSE_SIGNATURE_INVALID', undefined, { cause: err });
    }
    const result = JSON.parse(new TextDecoder().decode(payload)) as PaymentResult;
    if (result.requestHash !== sha256b64url(request.split('.')[1] ?? '') || result.idempotencyKey !== idempotencyKey) throw new DfsError('RESPONSE_MISMATCH');
    return result;
  }
}

/** 1250 -> "12.50" (two minor digits; display only). */
export function formatMinor(minor: string): string {
  const s = minor.padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
