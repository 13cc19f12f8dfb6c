import type { webcrypto } from 'node:crypto';
import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { isValidImei } from '../imei.js';
import { attestationChain, type AttestationSigner, type PowerOnState } from './attest.js';
import { Keystore, type KeyAccess } from './keystore.js';
import { PinApplet, type PinRetryPolicy, type ResetVerifier } from './pin.js';

export type { PowerOnState } from './attest.js';

/**
 * The simulated embedded secure element (seed 000 §KeyStore, §Safeguard): the keymint keystore, the
 * PIN applet, the factory attestation key, the provision-locked identity (IMEI, model, serial), the
 * power-on verdict written once per boot, and the anti-rollback index that only rises.
 */
export class SecureElement {
  readonly pin: PinApplet;
  readonly keystore: Keystore;
  #factory?: AttestationSigner;
  #identity?: AttestationRecord['device'];
  #resetKey?: CryptoKey;
  #provisionLocked = false;
  #powerOn?: PowerOnState;
  #rollbackIndex = 0;

  constructor(
    opts: {
      pinMaxTries?: number;
      now?: () => number;
      pinRetry?: PinRetryPolicy;
      keyAccess?: KeyAccess;
      verifyReset?: ResetVerifier;
    } = {},
  ) {
    this.pin = new PinApplet(
      opts.pinMaxTries ?? 5,
      {
        resetKey: () => this.#resetKey,
        imei: () => this.#identity?.imei,
        now: opts.now,
        verifyReset: opts.verifyReset,
      },
      opts.pinRetry,
    );
    this.keystore = new Keystore((uid) => this.pin.authorize(uid), opts.keyAccess);
  }

  /**
   * Factory: injects the production batch's attestation key (a non-extractable key handle shared by
   * every eSE of the batch, as real batch keys are) and its chain, batch certificate first. Nothing
   * reads it back out: the eSE only signs attestations with it.
   */
  injectAttestationKey(signer: AttestationSigner): void {
    this.#assertFactory();
    if (signer.key.extractable) throw new DfsError('INVALID_ARGUMENT', 'an attestation key must be non-extractable');
    this.#factory = { key: signer.key, chain: [...signer.chain] };
  }

  /** Factory: writes IMEI (Luhn-checked), model and serial; fails once provision-locked. */
  writeIdentity(identity: AttestationRecord['device']): void {
    this.#assertFactory();
    if (!isValidImei(identity.imei)) throw new DfsError('INVALID_ARGUMENT', 'IMEI fails the Luhn check');
    this.#identity = { ...identity };
  }

  /** Factory: installs the backend public key that signs PIN resets. */
  installResetKey(key: CryptoKey): void {
    this.#assertFactory();
    this.#resetKey = key;
  }

  /** Factory: locks identity, factory key and reset key for the life of the phone. */
  provisionLock(): void {
    this.#provisionLocked = true;
  }

  /** True once the factory locked the eSE. */
  get provisionLocked(): boolean {
    return this.#provisionLocked;
  }

  #assertFactory(): void {
    if (this.#provisionLocked) throw new DfsError('ESE_PROVISION_LOCKED');
  }

  /** The identity written at the factory (a copy). */
  identity(): AttestationRecord['device'] | undefined {
    return this.#identity && { ...this.#identity };
  }

  /** Boot ROM and safeguard: record this power cycle's verified state, once. */
  recordPowerOn(state: PowerOnState): void {
    if (this.#powerOn) throw new DfsError('ESE_PROVISION_LOCKED', 'power-on state already recorded');
    this.#powerOn = structuredClone(state);
  }

  /** Reset line from the boot ROM: a new power cycle starts, and boot records its state again. */
  powerCycle(): void {
    this.#powerOn = undefined;
  }

  /** This power cycle's recorded state (a copy). */
  powerOnState(): PowerOnState | undefined {
    return this.#powerOn && structuredClone(this.#powerOn);
  }

  /** The anti-rollback floor only rises (seed 000 §Kai FOTA anti-rollback). */
  raiseRollbackIndex(index: number): void {
    if (index > this.#rollbackIndex) this.#rollbackIndex = index;
  }

  /** The anti-rollback floor. */
  get rollbackIndex(): number {
    return this.#rollbackIndex;
  }

  /** Shorthand for `keystore.generateKey`: an EC P-256 signing key owned by `uid`. */
  generateKey(uid: number, alias: string, opts: { authBound: boolean }): Promise<void> {
    return this.keystore.generateKey(uid, alias, { algorithm: 'EC_P256', purpose: 'sign', authBound: opts.authBound });
  }

  /** Shorthand for `keystore.sign`. */
  sign(uid: number, alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.keystore.sign(uid, alias, data);
  }

  /** Shorthand for `keystore.publicJwk`. */
  publicJwk(uid: number, alias: string): Promise<webcrypto.JsonWebKey> {
    return this.keystore.publicJwk(uid, alias);
  }

  /** Shorthand for `pin.verify`. */
  verifyPin(uid: number, pin: string): void {
    this.pin.verify(uid, pin);
  }

  /**
   * Attests an EC signing key of `uid`: the record (challenge, key
   * properties, identity, boot, patch, safety) signed by the factory key.
   */
  async attestKey(
    uid: number,
    alias: string,
    challenge: string,
    application: AttestationRecord['application'],
  ): Promise<Uint8Array[]> {
    const info = this.keystore.describe(uid, alias);
    if (info.algorithm !== 'EC_P256' || info.purpose !== 'sign')
      throw new DfsError('ESE_KEY_PURPOSE', 'only EC signing keys are attested');
    if (!this.#factory || !this.#identity || !this.#powerOn)
      throw new DfsError('ESE_KEY_NOT_FOUND', 'eSE not provisioned or not booted');
    const record: AttestationRecord = {
      version: 1,
      challenge,
      key: {
        algorithm: 'EC_P256',
        purposes: ['sign', 'verify'],
        exportable: false,
        ownerUid: info.owner,
        origin: 'generated',
        securityLevel: 'ese',
      },
      device: this.#identity,
      ...structuredClone(this.#powerOn),
      application,
      issuedAt: Date.now(),
    };
    return attestationChain(this.keystore.publicKey(uid, alias), record, this.#factory);
  }
}
