import { webcrypto } from 'node:crypto';
import { DEVICE_REPORT } from '../../../contracts/device.js';
import { DfsError, type ErrorCode } from '../../../kit/src/errors.js';
import { subtle } from '../../../kit/src/x509.js';

/** Key types of the keymint applet (seed 000 §KeyStore: RSA, ECC, AES). */
export type KeyAlgorithm = 'EC_P256' | 'RSA_2048' | 'AES_256';
export type KeyPurpose = 'sign' | 'encrypt';

export interface KeySpec {
  algorithm: KeyAlgorithm;
  purpose: KeyPurpose;
  /** Usable only within a short window after a PIN verification by the same UID. */
  authBound?: boolean;
}

interface StoredKey extends Required<KeySpec> {
  owner: number;
  secret?: CryptoKey;
  pair?: CryptoKeyPair;
  /** The public JWK, exported once per key (a payment's header carries it every time). */
  jwk?: Promise<webcrypto.JsonWebKey>;
}

const RSA = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
const GEN: Record<string, { alg: webcrypto.AlgorithmIdentifier & Record<string, unknown>; usages: KeyUsage[] }> = {
  'EC_P256/sign': { alg: { name: 'ECDSA', namedCurve: 'P-256' }, usages: ['sign', 'verify'] },
  'RSA_2048/sign': { alg: { name: 'RSA-PSS', ...RSA }, usages: ['sign', 'verify'] },
  'RSA_2048/encrypt': { alg: { name: 'RSA-OAEP', ...RSA }, usages: ['encrypt', 'decrypt'] },
  'AES_256/encrypt': { alg: { name: 'AES-GCM', length: 256 }, usages: ['encrypt', 'decrypt'] },
};
const SIGN_PARAMS: Record<string, webcrypto.AlgorithmIdentifier & Record<string, unknown>> = {
  EC_P256: { name: 'ECDSA', hash: 'SHA-256' },
  RSA_2048: { name: 'RSA-PSS', saltLength: 32 },
};
const IV = 12;
const MAX_RANDOM = 1024;
const MAX_ITEM = 64 * 1024;

/** Whether `uid` may use a key owned by `owner`: null, or the code refusing it. */
export type KeyAccess = (owner: number, uid: number) => ErrorCode | null;

/** The production rule: a key is usable by its owner UID only. */
export const OWNER_ONLY: KeyAccess = (owner, uid) => (owner === uid ? null : 'ESE_KEY_ACCESS_DENIED');

/**
 * The keymint-like keystore: non-extractable WebCrypto keys held in private fields, each owned by
 * one UID and usable only by it, plus per-owner secure storage. No method returns private or secret
 * key material. Pure WebCrypto, so the daemon's software fallback reuses it outside the eSE.
 */
export class Keystore {
  readonly #keys = new Map<string, StoredKey>();
  readonly #storage = new Map<number, Map<string, Uint8Array>>();

  /** `authorized(uid)` answers whether an auth-bound key of `uid` may be used now (and consumes that authorization). */
  constructor(
    private readonly authorized: (uid: number) => boolean = () => false,
    private readonly access: KeyAccess = OWNER_ONLY,
  ) {}

  /** Generates a key inside the keystore; an alias held by another UID is refused. */
  async generateKey(uid: number, alias: string, spec: KeySpec): Promise<void> {
    const existing = this.#keys.get(alias);
    if (existing && existing.owner !== uid) throw new DfsError('ESE_KEY_ACCESS_DENIED');
    const gen = GEN[`${spec.algorithm}/${spec.purpose}`];
    if (!gen) throw new DfsError('INVALID_ARGUMENT', `${spec.algorithm} cannot ${spec.purpose}`);
    const made = (await subtle.generateKey(gen.alg as AlgorithmIdentifier, false, gen.usages)) as
      CryptoKey | CryptoKeyPair;
    const key: StoredKey = {
      owner: uid,
      algorithm: spec.algorithm,
      purpose: spec.purpose,
      authBound: spec.authBound ?? false,
    };
    if ('privateKey' in made) key.pair = made;
    else key.secret = made;
    this.#keys.set(alias, key);
  }

  #key(uid: number, alias: string, purpose?: KeyPurpose): StoredKey {
    const key = this.#keys.get(alias);
    if (!key) throw new DfsError('ESE_KEY_NOT_FOUND');
    const refused = this.access(key.owner, uid);
    if (refused) throw new DfsError(refused);
    if (purpose && key.purpose !== purpose) throw new DfsError('ESE_KEY_PURPOSE');
    return key;
  }

  #use(uid: number, key: StoredKey): void {
    if (key.authBound && !this.authorized(uid)) throw new DfsError('ESE_AUTH_REQUIRED');
  }

  /** True when `uid` owns a key under `alias`. */
  has(uid: number, alias: string): boolean {
    return this.#keys.get(alias)?.owner === uid;
  }

  /** What the key is, for attestation: algorithm, purpose, owner (never its material). */
  describe(
    uid: number,
    alias: string,
  ): { algorithm: KeyAlgorithm; purpose: KeyPurpose; owner: number; authBound: boolean } {
    const { algorithm, purpose, owner, authBound } = this.#key(uid, alias);
    return { algorithm, purpose, owner, authBound };
  }

  /** The public half as a CryptoKey; secret (AES) keys have none and are refused. */
  publicKey(uid: number, alias: string): CryptoKey {
    const key = this.#key(uid, alias);
    if (!key.pair) throw new DfsError('ESE_KEY_NOT_EXPORTABLE');
    return key.pair.publicKey;
  }

  /** The public half as a JWK: only public parameters ever leave. */
  async publicJwk(uid: number, alias: string): Promise<webcrypto.JsonWebKey> {
    const publicKey = this.publicKey(uid, alias);
    const key = this.#keys.get(alias)!;
    key.jwk ??= subtle
      .exportKey('jwk', publicKey)
      .then(({ kty, crv, x, y, n, e }) =>
        Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)),
      );
    return { ...(await key.jwk) };
  }

  /** Signs with an EC (ES256, IEEE P1363) or RSA-PSS key; auth-bound keys need a fresh PIN. */
  async sign(uid: number, alias: string, data: Uint8Array): Promise<Uint8Array> {
    const key = this.#key(uid, alias, 'sign');
    this.#use(uid, key);
    return new Uint8Array(
      await subtle.sign(SIGN_PARAMS[key.algorithm] as AlgorithmIdentifier, key.pair!.privateKey, new Uint8Array(data)),
    );
  }

  /**
   * Signs a device report without a PIN (a report of a wrong or locked PIN must go out when no PIN
   * can be verified): only a JWS signing input whose protected header has the typ of DEVICE_REPORT
   * (contracts/device.ts), so the key can never sign a payment this way.
   */
  async signReport(uid: number, alias: string, data: Uint8Array): Promise<Uint8Array> {
    const key = this.#key(uid, alias, 'sign');
    let typ: unknown;
    try {
      typ = JSON.parse(
        Buffer.from(new TextDecoder().decode(data).split('.')[0] ?? '', 'base64url').toString('utf8'),
      ).typ;
    } catch {
      typ = undefined;
    }
    if (typ !== DEVICE_REPORT.typ)
      throw new DfsError('ESE_AUTH_REQUIRED', 'only device reports are signed without a PIN');
    return new Uint8Array(
      await subtle.sign(SIGN_PARAMS[key.algorithm] as AlgorithmIdentifier, key.pair!.privateKey, new Uint8Array(data)),
    );
  }

  /** Verifies a signature made by one of this UID's keys. */
  async verify(uid: number, alias: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const key = this.#key(uid, alias, 'sign');
    return subtle.verify(
      SIGN_PARAMS[key.algorithm] as AlgorithmIdentifier,
      key.pair!.publicKey,
      new Uint8Array(signature),
      new Uint8Array(data),
    );
  }

  /** AES-256-GCM (output: 12-byte IV then ciphertext and tag) or RSA-OAEP/SHA-256 encryption. */
  async encrypt(uid: number, alias: string, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    const key = this.#key(uid, alias, 'encrypt');
    this.#use(uid, key);
    if (key.secret) {
      const iv = webcrypto.getRandomValues(new Uint8Array(IV));
      const ct = await subtle.encrypt(
        { name: 'AES-GCM', iv, ...(aad ? { additionalData: new Uint8Array(aad) } : {}) },
        key.secret,
        new Uint8Array(plaintext),
      );
      return new Uint8Array(Buffer.concat([iv, new Uint8Array(ct)]));
    }
    return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key.pair!.publicKey, new Uint8Array(plaintext)));
  }

  /** Decrypts inside the keystore; a tampered or foreign ciphertext is ESE_DECRYPT_FAILED. */
  async decrypt(uid: number, alias: string, ciphertext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    const key = this.#key(uid, alias, 'encrypt');
    this.#use(uid, key);
    try {
      if (key.secret) {
        const params = {
          name: 'AES-GCM',
          iv: new Uint8Array(ciphertext.subarray(0, IV)),
          ...(aad ? { additionalData: new Uint8Array(aad) } : {}),
        };
        return new Uint8Array(await subtle.decrypt(params, key.secret, new Uint8Array(ciphertext.subarray(IV))));
      }
      return new Uint8Array(
        await subtle.decrypt({ name: 'RSA-OAEP' }, key.pair!.privateKey, new Uint8Array(ciphertext)),
      );
    } catch (err) {
      throw new DfsError('ESE_DECRYPT_FAILED', undefined, { cause: err });
    }
  }

  /** Deletes a key of this UID. */
  deleteKey(uid: number, alias: string): void {
    this.#key(uid, alias);
    this.#keys.delete(alias);
  }

  /** Random bytes from the secure element's generator (1 to 1024). */
  random(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM)
      throw new DfsError('INVALID_ARGUMENT', 'random length');
    return webcrypto.getRandomValues(new Uint8Array(length));
  }

  /** Secure storage: writes an item into this UID's own namespace. */
  put(uid: number, name: string, data: Uint8Array): void {
    if (data.length > MAX_ITEM) throw new DfsError('INVALID_ARGUMENT', 'item too large');
    if (!this.#storage.has(uid)) this.#storage.set(uid, new Map());
    this.#storage.get(uid)!.set(name, new Uint8Array(data));
  }

  /** Secure storage: reads an item of this UID; other owners' items do not exist for it. */
  get(uid: number, name: string): Uint8Array {
    const item = this.#storage.get(uid)?.get(name);
    if (!item) throw new DfsError('ESE_STORAGE_NOT_FOUND');
    return new Uint8Array(item);
  }

  /** Secure storage: removes an item of this UID. */
  remove(uid: number, name: string): void {
    if (!this.#storage.get(uid)?.delete(name)) throw new DfsError('ESE_STORAGE_NOT_FOUND');
  }
}
