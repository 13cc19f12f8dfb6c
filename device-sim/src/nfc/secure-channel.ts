import { verify, webcrypto, type KeyObject } from 'node:crypto';
import { DfsError } from '../../../kit/src/errors.js';
import { subtle } from '../../../kit/src/x509.js';

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const IV = 12;

/**
 * The NFC daemon's answer to a session request: its ephemeral point,
 * signed with its identity key over both points and the session id.
 */
export interface ServerHello {
  sessionId: Uint8Array;
  nfcPublicRaw: Uint8Array;
  signature: Uint8Array;
}

/** The bytes the NFC daemon signs in a ServerHello. */
export function helloBytes(callerPublicRaw: Uint8Array, nfcPublicRaw: Uint8Array, sessionId: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from('dfs-nfc-hello-v1'), callerPublicRaw, nfcPublicRaw, sessionId]));
}

/**
 * Whether a ServerHello answers our point and is signed by the pinned
 * NFC daemon key (a man in the middle of the key exchange fails it).
 */
export type HelloCheck = (hello: ServerHello, callerPublicRaw: Uint8Array, pinned: KeyObject) => boolean;

/** The production check: ECDSA P-256 over helloBytes with the pinned identity key. */
export const SIGNED_BY_NFC_DAEMON: HelloCheck = (hello, callerPublicRaw, pinned) =>
  verify(
    'sha256',
    helloBytes(callerPublicRaw, hello.nfcPublicRaw, hello.sessionId),
    { key: pinned, dsaEncoding: 'ieee-p1363' },
    hello.signature,
  );

/** A fresh ECDH P-256 key pair for one session; only the raw public point leaves. */
export async function ephemeralKey(): Promise<{ privateKey: CryptoKey; publicRaw: Uint8Array }> {
  const pair = (await subtle.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicRaw: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
}

/**
 * One end of the E2E channel between the NFC daemon and a native caller (seed 000 §NFC: "APDU result
 * will do E2E protection"): ECDH P-256, HKDF-SHA256 bound to the session id, AES-256-GCM with the
 * direction and a sequence number as associated data, so relays see ciphertext and any tampering,
 * replay or reordering is NFC_CHANNEL_INVALID.
 */
export class ChannelEnd {
  #sendSeq = 0;
  #recvSeq = 0;

  private constructor(
    private readonly key: CryptoKey,
    private readonly sessionId: Uint8Array,
    private readonly role: 'nfcd' | 'app',
  ) {}

  /** Derives the session key from our ephemeral private key and the peer's public point. */
  static async derive(
    privateKey: CryptoKey,
    peerPublicRaw: Uint8Array,
    sessionId: Uint8Array,
    role: 'nfcd' | 'app',
  ): Promise<ChannelEnd> {
    let peer: CryptoKey;
    try {
      peer = await subtle.importKey('raw', new Uint8Array(peerPublicRaw), ECDH, false, []);
    } catch (err) {
      throw new DfsError('NFC_CHANNEL_INVALID', 'peer key', { cause: err });
    }
    const shared = await subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
    const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    const key = await subtle.deriveKey(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(sessionId),
        info: new TextEncoder().encode('dfs-nfc-e2e-v1'),
      },
      ikm,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
    return new ChannelEnd(key, sessionId, role);
  }

  #aad(from: 'nfcd' | 'app', seq: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(
      Buffer.concat([
        Buffer.from(this.sessionId),
        Buffer.from(from),
        Buffer.from([seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff]),
      ]),
    );
  }

  /** Encrypts one message to the peer. */
  async seal(plain: Uint8Array): Promise<Uint8Array> {
    const iv = webcrypto.getRandomValues(new Uint8Array(IV));
    const ct = await subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: this.#aad(this.role, this.#sendSeq++) },
      this.key,
      new Uint8Array(plain),
    );
    return new Uint8Array(Buffer.concat([iv, new Uint8Array(ct)]));
  }

  /** Decrypts the peer's next message; anything else is NFC_CHANNEL_INVALID. */
  async open(sealed: Uint8Array): Promise<Uint8Array> {
    const peer = this.role === 'nfcd' ? 'app' : 'nfcd';
    try {
      const plain = await subtle.decrypt(
        { name: 'AES-GCM', iv: new Uint8Array(sealed.subarray(0, IV)), additionalData: this.#aad(peer, this.#recvSeq) },
        this.key,
        new Uint8Array(sealed.subarray(IV)),
      );
      this.#recvSeq++;
      return new Uint8Array(plain);
    } catch (err) {
      throw new DfsError('NFC_CHANNEL_INVALID', undefined, { cause: err });
    }
  }
}
