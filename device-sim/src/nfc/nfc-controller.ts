import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { DfsError, type ErrorCode } from '../../../kit/src/errors.js';
import type { AccessPolicy, Caller } from '../access-policy.js';
import type { NdefRecord, SimulatedCard } from './cards.js';
import { ChannelEnd, ephemeralKey, helloBytes, type ServerHello } from './secure-channel.js';

const same = (a: Caller, b: Caller) => a.process === b.process && a.uid === b.uid;

/** Whether `caller` may use NFC while `holder` holds nfc_lock: null, or the code refusing it. */
export type NfcExclusivity = (holder: Caller | undefined, caller: Caller) => ErrorCode | null;

/** The production lock: everyone but the holder gets NFC_BUSY. */
export const HOLDER_ONLY: NfcExclusivity = (holder, caller) => (holder && !same(holder, caller) ? 'NFC_BUSY' : null);

/**
 * The NFC daemon (seed 000 §NFC API and NFC access lock): Web NFC (NDEF only) for UI apps through the
 * broker, a PC/SC-like APDU path for native callers over an E2E channel, and nfc_lock()/nfc_unlock()
 * giving one native caller exclusive access while everyone else gets NFC_BUSY.
 */
export class NfcController {
  #card?: SimulatedCard;
  #holder?: Caller;
  readonly #sessions = new Map<string, { caller: Caller; end: ChannelEnd }>();
  readonly #identity = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  constructor(
    private readonly policy: AccessPolicy,
    private readonly exclusive: NfcExclusivity = HOLDER_ONLY,
  ) {}

  /** A card or tag enters the field (or leaves, with undefined). */
  tap(card: SimulatedCard | undefined): void {
    this.#card = card;
  }

  /** nfc_lock(): exclusive access for one native caller; others get NFC_BUSY. */
  lock(caller: Caller): void {
    this.policy.check(caller, 'nfc.lock');
    this.#gate(caller, 'nfc.lock');
    this.#holder = caller;
  }

  /** nfc_unlock(): only the holder releases the lock. */
  unlock(caller: Caller): void {
    this.policy.check(caller, 'nfc.lock');
    this.#gate(caller, 'nfc.lock');
    this.#holder = undefined;
    for (const [id, s] of this.#sessions) if (same(s.caller, caller)) this.#sessions.delete(id);
  }

  /** The NFC daemon's identity key, pinned by native callers (it signs each session's key exchange). */
  get identityKey(): KeyObject {
    return this.#identity.publicKey;
  }

  /** Who holds the lock, if anyone. */
  get holder(): Caller | undefined {
    return this.#holder && { ...this.#holder };
  }

  #gate(caller: Caller, api: string): void {
    const refused = this.exclusive(this.#holder, caller);
    if (refused) this.policy.refuse(caller, api, refused);
  }

  #present(): SimulatedCard {
    if (!this.#card) throw new DfsError('NFC_NO_CARD');
    return this.#card;
  }

  /** Web NFC read: the NDEF records of what is in the field, never APDU access or card data. */
  webRead(caller: Caller): { kind: SimulatedCard['kind']; records: NdefRecord[] } {
    this.policy.check(caller, 'nfc.web');
    this.#gate(caller, 'nfc.web');
    const card = this.#present();
    return { kind: card.kind, records: card.ndef.map((r) => ({ ...r })) };
  }

  /**
   * PC/SC: opens an E2E session with a native caller from its
   * ephemeral public point; the answer is signed with the identity key.
   */
  async openSession(caller: Caller, callerPublicRaw: Uint8Array): Promise<ServerHello> {
    this.policy.check(caller, 'nfc.pcsc');
    this.#gate(caller, 'nfc.pcsc');
    const sessionId = new Uint8Array(randomBytes(16));
    const eph = await ephemeralKey();
    const end = await ChannelEnd.derive(eph.privateKey, callerPublicRaw, sessionId, 'nfcd');
    this.#sessions.set(Buffer.from(sessionId).toString('hex'), { caller, end });
    const signature = new Uint8Array(
      sign('sha256', helloBytes(callerPublicRaw, eph.publicRaw, sessionId), {
        key: this.#identity.privateKey,
        dsaEncoding: 'ieee-p1363',
      }),
    );
    return { sessionId, nfcPublicRaw: eph.publicRaw, signature };
  }

  /** PC/SC transmit: a sealed command APDU in, the card's sealed response out. */
  async transmit(caller: Caller, sessionId: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
    this.policy.check(caller, 'nfc.pcsc');
    this.#gate(caller, 'nfc.pcsc');
    const session = this.#sessions.get(Buffer.from(sessionId).toString('hex'));
    if (!session || !same(session.caller, caller)) this.policy.refuse(caller, 'nfc.pcsc', 'NFC_CHANNEL_INVALID');
    const apdu = await session.end.open(sealed);
    return session.end.seal(this.#present().process(apdu));
  }
}
