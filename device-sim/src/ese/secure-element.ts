import { createHash, timingSafeEqual, webcrypto } from 'node:crypto';
import { ATTESTATION_OID, encodeRecord, type AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { EC_P256, generateEcKeyPair, issueCertificate, subtle, x509 } from '../../../kit/src/x509.js';

/** What boot and safeguard write into the eSE at power-on; frozen once written for this power cycle. */
export interface PowerOnState {
  rootOfTrust: AttestationRecord['rootOfTrust'];
  patchLevel: AttestationRecord['patchLevel'];
  safety: AttestationRecord['safety'];
  /** Version of the firmware that booted (what the attestation reports as rollback index). */
  rollbackIndex: number;
}

interface StoredKey {
  owner: number;
  pair: CryptoKeyPair;
  purposes: ('sign' | 'verify')[];
  authBound: boolean;
}

/** How long a successful PIN verification unlocks auth-bound keys of its UID. */
const AUTH_WINDOW_MS = 30_000;

/**
 * The simulated embedded secure element: a keymint-like keystore whose private keys are
 * non-extractable and owned by a UID, the PIN with its retry counter, the provision-locked device
 * identity, the factory attestation key and the rollback index (seed 000 §KeyStore, §Safeguard).
 * No method returns private key material.
 */
export class SecureElement {
  readonly #keys = new Map<string, StoredKey>();
  #factory?: { pair: CryptoKeyPair; chain: x509.X509Certificate[] };
  #identity?: AttestationRecord['device'];
  #provisionLocked = false;
  #powerOn?: PowerOnState;
  #rollbackIndex = 0;
  #pin?: { salt: Buffer; hash: Buffer };
  #pinTries = 0;
  #authUntil = new Map<number, number>();

  constructor(readonly pinMaxTries = 5) {}

  /** Factory: creates the attestation key inside the eSE and returns its public half for the OEM to certify. */
  async createFactoryKey(): Promise<CryptoKey> {
    this.#assertFactory();
    const pair = await generateEcKeyPair(false);
    this.#factory = { pair, chain: [] };
    return pair.publicKey;
  }

  /** Factory: installs the OEM-issued chain of the attestation key (its certificate first). */
  installFactoryChain(chain: x509.X509Certificate[]): void {
    this.#assertFactory();
    if (!this.#factory) throw new DfsError('ESE_KEY_NOT_FOUND', 'no factory key');
    this.#factory.chain = chain;
  }

  /** Factory: writes IMEI, model and serial; fails once provision-locked. */
  writeIdentity(identity: AttestationRecord['device']): void {
    this.#assertFactory();
    this.#identity = { ...identity };
  }

  /** Factory: locks identity and factory key for the life of the phone. */
  provisionLock(): void {
    this.#provisionLocked = true;
  }

  #assertFactory(): void {
    if (this.#provisionLocked) throw new DfsError('ESE_PROVISION_LOCKED');
  }

  /** Boot ROM and safeguard: record this power cycle's verified state, once. */
  recordPowerOn(state: PowerOnState): void {
    if (this.#powerOn) throw new DfsError('ESE_PROVISION_LOCKED', 'power-on state already recorded');
    this.#powerOn = structuredClone(state);
  }

  /** The anti-rollback floor only rises (seed 000 §Kai FOTA anti-rollback). */
  raiseRollbackIndex(index: number): void {
    if (index > this.#rollbackIndex) this.#rollbackIndex = index;
  }

  /** The anti-rollback floor; native code may read it. */
  get rollbackIndex(): number {
    return this.#rollbackIndex;
  }

  /** Keystore: generates a non-exportable EC P-256 key owned by `uid`. */
  async generateKey(uid: number, alias: string, opts: { authBound: boolean }): Promise<void> {
    const existing = this.#keys.get(alias);
    if (existing && existing.owner !== uid) throw new DfsError('ESE_KEY_ACCESS_DENIED');
    const pair = await generateEcKeyPair(false);
    this.#keys.set(alias, { owner: uid, pair, purposes: ['sign', 'verify'], authBound: opts.authBound });
  }

  #key(uid: number, alias: string): StoredKey {
    const key = this.#keys.get(alias);
    if (!key) throw new DfsError('ESE_KEY_NOT_FOUND');
    if (key.owner !== uid) throw new DfsError('ESE_KEY_ACCESS_DENIED');
    return key;
  }

  /** Keystore: the public key as a JWK (public half only). */
  async publicJwk(uid: number, alias: string): Promise<webcrypto.JsonWebKey> {
    const { kty, crv, x, y } = await subtle.exportKey('jwk', this.#key(uid, alias).pair.publicKey);
    return { kty, crv, x, y };
  }

  /** Keystore: ECDSA P-256 / SHA-256 signature (IEEE P1363, as JWS ES256 wants); auth-bound keys need a recent PIN. */
  async sign(uid: number, alias: string, data: Uint8Array): Promise<Uint8Array> {
    const key = this.#key(uid, alias);
    if (key.authBound && (this.#authUntil.get(uid) ?? 0) < Date.now()) throw new DfsError('ESE_AUTH_REQUIRED');
    if (key.authBound) this.#authUntil.delete(uid);
    return new Uint8Array(await subtle.sign(EC_P256, key.pair.privateKey, new Uint8Array(data)));
  }

  /** Sets the PIN (first time only in this simulation's scope; change needs the old PIN). */
  setPin(pin: string): void {
    const salt = webcrypto.getRandomValues(Buffer.alloc(16));
    this.#pin = { salt, hash: createHash('sha256').update(salt).update(pin).digest() };
    this.#pinTries = 0;
  }

  /** Verifies the PIN inside the eSE; wrong tries count, and the PIN locks after `pinMaxTries`. */
  verifyPin(uid: number, pin: string): void {
    if (!this.#pin) throw new DfsError('PIN_WRONG', 'no PIN set');
    if (this.#pinTries >= this.pinMaxTries) throw new DfsError('PIN_LOCKED');
    const hash = createHash('sha256').update(this.#pin.salt).update(pin).digest();
    if (!timingSafeEqual(hash, this.#pin.hash)) {
      this.#pinTries += 1;
      throw new DfsError(this.#pinTries >= this.pinMaxTries ? 'PIN_LOCKED' : 'PIN_WRONG');
    }
    this.#pinTries = 0;
    this.#authUntil.set(uid, Date.now() + AUTH_WINDOW_MS);
  }

  /**
   * Attests a key of `uid`: a leaf certificate for its public key, signed by the factory
   * attestation key, carrying the attestation record; returns the DER chain, leaf first.
   */
  async attestKey(uid: number, alias: string, challenge: string, application: AttestationRecord['application']): Promise<Uint8Array[]> {
    const key = this.#key(uid, alias);
    if (!this.#factory || !this.#identity || !this.#powerOn) throw new DfsError('ESE_KEY_NOT_FOUND', 'eSE not provisioned or not booted');
    const record: AttestationRecord = {
      version: 1,
      challenge,
      key: { algorithm: 'EC_P256', purposes: key.purposes, exportable: false, ownerUid: key.owner, origin: 'generated', securityLevel: 'ese' },
      device: this.#identity,
      ...structuredClone(this.#powerOn),
      application,
      issuedAt: Date.now(),
    };
    const issuerCert = this.#factory.chain[0];
    if (!issuerCert) throw new DfsError('ESE_KEY_NOT_FOUND', 'no factory chain');
    const leaf = await issueCertificate({
      subject: 'CN=eSE attested key',
      publicKey: key.pair.publicKey,
      issuer: { cert: issuerCert, key: this.#factory.pair.privateKey },
      notAfter: new Date(Date.now() + 365 * 86_400_000),
      extra: [new x509.Extension(ATTESTATION_OID, false, new Uint8Array(encodeRecord(record)))],
    });
    return [leaf, ...this.#factory.chain].map((c) => new Uint8Array(c.rawData));
  }
}
