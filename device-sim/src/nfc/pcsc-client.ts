import { DfsError } from '../../../kit/src/errors.js';
import type { Caller } from '../access-policy.js';
import { parseResponse, type Response } from './apdu.js';
import type { NfcController } from './nfc-controller.js';
import { ChannelEnd, ephemeralKey, SIGNED_BY_NFC_DAEMON, type HelloCheck, type ServerHello } from './secure-channel.js';

/** The GeckoBridge hop between a native caller and the NFC daemon; a test may replace it to observe or tamper. */
export type Bridge = (sealed: Uint8Array, forward: (sealed: Uint8Array) => Promise<Uint8Array>) => Promise<Uint8Array>;

/** The GeckoBridge hop of the session request: our ephemeral point out, the NFC daemon's ServerHello back. */
export type HandshakeRelay = (
  callerPublicRaw: Uint8Array,
  forward: (callerPublicRaw: Uint8Array) => Promise<ServerHello>,
) => Promise<ServerHello>;

/** How a caller opens sessions: the relays its traffic crosses and how it checks the key exchange. */
export interface SessionOptions {
  handshake?: HandshakeRelay;
  checkHello?: HelloCheck;
}

/** The native caller's end of the PC/SC path: APDUs are sealed before they leave and opened only here. */
export class PcscClient {
  private constructor(
    private readonly end: ChannelEnd,
    private readonly forward: (sealed: Uint8Array) => Promise<Uint8Array>,
    private readonly bridge: Bridge,
  ) {}

  /** Opens an E2E session with the NFC daemon as `caller`. */
  static async connect(
    nfc: NfcController,
    caller: Caller,
    bridge: Bridge = (s, f) => f(s),
    opts: SessionOptions = {},
  ): Promise<PcscClient> {
    const eph = await ephemeralKey();
    const hello = await (opts.handshake ?? ((p, f) => f(p)))(eph.publicRaw, (p) => nfc.openSession(caller, p));
    if (!(opts.checkHello ?? SIGNED_BY_NFC_DAEMON)(hello, eph.publicRaw, nfc.identityKey))
      throw new DfsError('NFC_CHANNEL_INVALID', 'key exchange not signed by the NFC daemon');
    const { sessionId, nfcPublicRaw } = hello;
    const end = await ChannelEnd.derive(eph.privateKey, nfcPublicRaw, sessionId, 'app');
    return new PcscClient(end, (sealed) => nfc.transmit(caller, sessionId, sealed), bridge);
  }

  /** Sends one command APDU and returns the card's response (data and status word). */
  async transmit(command: Uint8Array): Promise<Response> {
    const sealed = await this.bridge(await this.end.seal(command), this.forward);
    return parseResponse(await this.end.open(sealed));
  }
}
