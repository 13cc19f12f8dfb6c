import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { base64url, decodeProtectedHeader } from 'jose';
import { PIN_RESET, type PinReset } from '../../../contracts/device.js';
import { DfsError, type ErrorCode } from '../../../kit/src/errors.js';
import { expectTyp, verifyJws } from '../../../kit/src/jws.js';

/** How long a successful PIN verification unlocks auth-bound keys of its UID. */
export const AUTH_WINDOW_MS = 30_000;
const PIN_FORMAT = /^\d{4,8}$/;

/** What a wrong PIN answers after `wrongTries` wrong tries in a row; PIN_LOCKED also refuses every later try. */
export type PinRetryPolicy = (wrongTries: number, maxTries: number) => ErrorCode;

/** The production retry counter: PIN_WRONG, then PIN_LOCKED once `maxTries` wrong tries are reached. */
export const LOCK_AT_MAX_TRIES: PinRetryPolicy = (wrongTries, maxTries) =>
  wrongTries >= maxTries ? 'PIN_LOCKED' : 'PIN_WRONG';

/**
 * The JSON payload of a PIN reset (typ already checked) when it
 * verifies under the factory-installed `key`; throws otherwise.
 */
export type ResetVerifier = (jws: string, key: CryptoKey) => Promise<unknown>;

/** The production check: ES256 by the backend's reset key, verifyJws (kit/src/jws.ts) under PIN_RESET. */
export const BACKEND_SIGNED_RESET: ResetVerifier = async (jws, key) => (await verifyJws(jws, key, PIN_RESET)).payload;

/**
 * The PIN applet (R1, R5): set, verify, change; a retry counter that locks after `maxTries`; unlock
 * only by a reset the backend signs (JWS ES256 over the phone's IMEI, a nonce this applet issued,
 * and an expiry) with the key installed at the factory. The PIN never leaves: only an HMAC is kept.
 */
export class PinApplet {
  readonly #secret = webcrypto.getRandomValues(Buffer.alloc(32));
  #mac?: Buffer;
  #tries = 0;
  #nonce?: string;
  readonly #authUntil = new Map<number, number>();

  constructor(
    readonly maxTries: number,
    private readonly trust: {
      resetKey: () => CryptoKey | undefined;
      imei: () => string | undefined;
      now?: () => number;
      verifyReset?: ResetVerifier;
    },
    private readonly retry: PinRetryPolicy = LOCK_AT_MAX_TRIES,
  ) {
    if (!Number.isInteger(maxTries) || maxTries < 1) throw new DfsError('INVALID_ARGUMENT', 'maxTries');
  }

  #now(): number {
    return (this.trust.now ?? Date.now)();
  }

  #hash(pin: string): Buffer {
    return createHmac('sha256', this.#secret).update(pin).digest();
  }

  /** Sets the first PIN (or the new one after a reset); an existing PIN changes only with `change`. */
  set(pin: string): void {
    if (this.#mac) throw new DfsError('PIN_ALREADY_SET');
    if (!PIN_FORMAT.test(pin)) throw new DfsError('INVALID_ARGUMENT', 'PIN format');
    this.#mac = this.#hash(pin);
    this.#tries = 0;
  }

  /** True once the retry counter reached `maxTries`. */
  get locked(): boolean {
    return this.#tries > 0 && this.retry(this.#tries, this.maxTries) === 'PIN_LOCKED';
  }

  /** Wrong tries left before the PIN locks. */
  get triesLeft(): number {
    return Math.max(0, this.maxTries - this.#tries);
  }

  /**
   * Verifies the PIN; a wrong one counts, and the last allowed wrong one locks. Success opens the auth window of `uid`.
   */
  verify(uid: number, pin: string): void {
    if (!this.#mac) throw new DfsError('PIN_NOT_SET');
    if (this.locked) throw new DfsError('PIN_LOCKED');
    if (!timingSafeEqual(this.#hash(pin), this.#mac)) {
      this.#tries += 1;
      throw new DfsError(this.retry(this.#tries, this.maxTries));
    }
    this.#tries = 0;
    this.#authUntil.set(uid, this.#now() + AUTH_WINDOW_MS);
  }

  /** Changes the PIN after verifying the old one (which counts against the retry counter). */
  change(uid: number, oldPin: string, newPin: string): void {
    if (!PIN_FORMAT.test(newPin)) throw new DfsError('INVALID_ARGUMENT', 'PIN format');
    this.verify(uid, oldPin);
    this.#mac = this.#hash(newPin);
    this.#authUntil.delete(uid);
  }

  /** Consumes the auth window of `uid`: one auth-bound operation per PIN verification. */
  authorize(uid: number): boolean {
    const ok = (this.#authUntil.get(uid) ?? 0) >= this.#now();
    this.#authUntil.delete(uid);
    return ok;
  }

  /** A fresh single-use nonce for the backend to put in a signed reset. */
  resetNonce(): string {
    this.#nonce = base64url.encode(webcrypto.getRandomValues(new Uint8Array(16)));
    return this.#nonce;
  }

  /** Applies a backend-signed reset: clears PIN and counter so a new PIN can be set on the native UI. */
  async reset(jws: string): Promise<void> {
    const key = this.trust.resetKey();
    const imei = this.trust.imei();
    let claims: PinReset;
    try {
      if (!key || !imei) throw new Error('no reset trust anchor');
      expectTyp(decodeProtectedHeader(jws), PIN_RESET);
      claims = PIN_RESET.schema.parse(await (this.trust.verifyReset ?? BACKEND_SIGNED_RESET)(jws, key));
    } catch (err) {
      if (err instanceof DfsError) throw err;
      throw new DfsError('PIN_RESET_INVALID', undefined, { cause: err });
    }
    const nonceOk = this.#nonce !== undefined && claims.nonce === this.#nonce;
    if (!nonceOk || claims.imei !== imei || claims.exp * 1000 < this.#now()) throw new DfsError('PIN_RESET_INVALID');
    this.#nonce = undefined;
    this.#mac = undefined;
    this.#tries = 0;
    this.#authUntil.clear();
  }
}
