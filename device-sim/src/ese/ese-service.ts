import type { webcrypto } from 'node:crypto';
import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import type { AccessPolicy, Caller, DeviceApi } from '../access-policy.js';
import type { PowerOnState } from './attest.js';
import type { KeySpec } from './keystore.js';
import type { SecureElement } from './secure-element.js';

/**
 * The eSE as processes reach it (seed 000 §KeyStore "UID to control owner", "Selinux control"):
 * each call passes the access policy first, then runs in the eSE as the caller's UID. On a phone
 * without an eSE every call fails with ESE_UNAVAILABLE.
 */
export class EseService {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly ese: SecureElement | undefined,
  ) {}

  #enter(caller: Caller, api: DeviceApi): SecureElement {
    this.policy.check(caller, api);
    if (!this.ese) throw new DfsError('ESE_UNAVAILABLE');
    return this.ese;
  }

  /** True when the phone has an eSE (anyone may ask). */
  get available(): boolean {
    return Boolean(this.ese);
  }

  /** Generates a key owned by the caller's UID. */
  generateKey(caller: Caller, alias: string, spec: KeySpec): Promise<void> {
    return this.#enter(caller, 'keystore').keystore.generateKey(caller.uid, alias, spec);
  }

  /** The public half of one of the caller's asymmetric keys. */
  publicJwk(caller: Caller, alias: string): Promise<webcrypto.JsonWebKey> {
    return this.#enter(caller, 'keystore').keystore.publicJwk(caller.uid, alias);
  }

  /** Signs inside the eSE with one of the caller's keys. */
  sign(caller: Caller, alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.#enter(caller, 'keystore').keystore.sign(caller.uid, alias, data);
  }

  /** Signs a device report (typ dfs-device-report+jws only) with one of the caller's keys, without a PIN. */
  signReport(caller: Caller, alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.#enter(caller, 'keystore').keystore.signReport(caller.uid, alias, data);
  }

  /** Verifies with one of the caller's keys. */
  verify(caller: Caller, alias: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.#enter(caller, 'keystore').keystore.verify(caller.uid, alias, data, signature);
  }

  /** AES-GCM or RSA-OAEP encryption with one of the caller's keys. */
  encrypt(caller: Caller, alias: string, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    return this.#enter(caller, 'keystore').keystore.encrypt(caller.uid, alias, plaintext, aad);
  }

  /** Decryption inside the eSE with one of the caller's keys. */
  decrypt(caller: Caller, alias: string, ciphertext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    return this.#enter(caller, 'keystore').keystore.decrypt(caller.uid, alias, ciphertext, aad);
  }

  /** Random bytes from the eSE. */
  random(caller: Caller, length: number): Uint8Array {
    return this.#enter(caller, 'keystore').keystore.random(length);
  }

  /** Secure storage of the caller's UID: write. */
  put(caller: Caller, name: string, data: Uint8Array): void {
    this.#enter(caller, 'keystore').keystore.put(caller.uid, name, data);
  }

  /** Secure storage of the caller's UID: read. */
  get(caller: Caller, name: string): Uint8Array {
    return this.#enter(caller, 'keystore').keystore.get(caller.uid, name);
  }

  /** Attestation chain for one of the caller's EC signing keys. */
  attestKey(
    caller: Caller,
    alias: string,
    challenge: string,
    application: AttestationRecord['application'],
  ): Promise<Uint8Array[]> {
    return this.#enter(caller, 'keystore').attestKey(caller.uid, alias, challenge, application);
  }

  /** The PIN sink of the native UI: verification happens in the eSE. */
  verifyPin(caller: Caller, pin: string): void {
    this.#enter(caller, 'pin').pin.verify(caller.uid, pin);
  }

  /** Changes the PIN (the old one counts against the retry counter). */
  changePin(caller: Caller, oldPin: string, newPin: string): void {
    this.#enter(caller, 'pin').pin.change(caller.uid, oldPin, newPin);
  }

  /** Sets a PIN when none is set (first use, or after a backend-signed reset). */
  setPin(caller: Caller, pin: string): void {
    this.#enter(caller, 'pin').pin.set(pin);
  }

  /** Issues the nonce a backend-signed PIN reset must carry. */
  pinResetNonce(caller: Caller): string {
    return this.#enter(caller, 'pin').pin.resetNonce();
  }

  /** Applies a backend-signed PIN reset. */
  resetPin(caller: Caller, jws: string): Promise<void> {
    return this.#enter(caller, 'pin').pin.reset(jws);
  }

  /** Safeguard: identity and this boot's safety verdict, for native callers only. */
  safeguard(caller: Caller): { identity: AttestationRecord['device'] | undefined; powerOn: PowerOnState | undefined } {
    const ese = this.#enter(caller, 'safeguard.read');
    return { identity: ese.identity(), powerOn: ese.powerOnState() };
  }
}
