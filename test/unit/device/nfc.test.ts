import { describe, expect, it } from 'vitest';
import {
  AccessPolicy,
  appCaller,
  BROKER,
  OPERATOR_DAEMON,
  PAYMENT_DAEMON,
} from '../../../device-sim/src/access-policy.js';
import {
  encodeCommand,
  parseCommand,
  parseResponse,
  readRecord,
  selectAid,
  SW,
} from '../../../device-sim/src/nfc/apdu.js';
import {
  MERCHANT_TAG_AID,
  merchantTag,
  PAYMENT_CARD_AID,
  paymentCard,
  parseCardRecord,
} from '../../../device-sim/src/nfc/cards.js';
import { NfcController } from '../../../device-sim/src/nfc/nfc-controller.js';
import { PcscClient } from '../../../device-sim/src/nfc/pcsc-client.js';
import { ephemeralKey } from '../../../device-sim/src/nfc/secure-channel.js';
import { codeOf, recorder } from './support.js';

const PAN = '4111111111111111';
const nfcWithCard = () => {
  const nfc = new NfcController(new AccessPolicy(undefined, recorder()));
  nfc.tap(paymentCard(PAN, '2912', 'A HOLDER'));
  return nfc;
};

describe('APDUs and simulated cards (ISO 7816-4 style)', () => {
  it('reads a payment card: SELECT AID then READ RECORD', async () => {
    const card = paymentCard(PAN, '2912', 'A HOLDER');
    expect(parseResponse(card.process(selectAid(PAYMENT_CARD_AID))).sw).toBe(SW.OK);
    const rec = parseResponse(card.process(readRecord(1, 1)));
    expect(rec.sw).toBe(SW.OK);
    expect(parseCardRecord(rec.data)).toEqual({ pan: PAN, expiry: '2912', name: 'A HOLDER' });
  });

  it('answers malformed or out-of-order commands with clear status words', () => {
    const card = merchantTag({ payee: 'm' });
    const sw = (apdu: Uint8Array) => parseResponse(card.process(apdu)).sw;
    expect(sw(readRecord(1, 1))).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(sw(new Uint8Array([0x00, 0xa4]))).toBe(SW.WRONG_LENGTH);
    expect(sw(new Uint8Array([0x00, 0xa4, 0x04, 0x00, 0x09, 0x01]))).toBe(SW.WRONG_LENGTH);
    expect(sw(new Uint8Array([0x80, 0xa4, 0x04, 0x00]))).toBe(SW.CLA_NOT_SUPPORTED);
    expect(sw(new Uint8Array([0x00, 0xca, 0x00, 0x00]))).toBe(SW.INS_NOT_SUPPORTED);
    expect(sw(selectAid(PAYMENT_CARD_AID))).toBe(SW.FILE_NOT_FOUND);
    expect(sw(selectAid(MERCHANT_TAG_AID))).toBe(SW.OK);
    expect(sw(readRecord(2, 1))).toBe(SW.RECORD_NOT_FOUND);
    expect(sw(encodeCommand({ cla: 0, ins: 0xb2, p1: 1, p2: 0x08, data: new Uint8Array() }))).toBe(SW.WRONG_P1P2);
  });

  it('refuses to parse malformed APDUs on the host side (APDU_MALFORMED)', async () => {
    expect(await codeOf(() => parseCommand(new Uint8Array([0x00])))).toBe('APDU_MALFORMED');
    expect(await codeOf(() => parseCommand(new Uint8Array([0, 0xa4, 4, 0, 0, 1, 2])))).toBe('APDU_MALFORMED');
    expect(await codeOf(() => parseResponse(new Uint8Array([0x90])))).toBe('APDU_MALFORMED');
    expect(await codeOf(() => parseCardRecord(new Uint8Array([0x70, 0x05, 0x5a, 0x09, 0x41])))).toBe('APDU_MALFORMED');
  });
});

describe('NFC access lock (000 §NFC API and NFC access lock)', () => {
  it('gives one native caller exclusive access: everyone else gets NFC_BUSY until nfc_unlock()', async () => {
    const nfc = nfcWithCard();
    nfc.lock(PAYMENT_DAEMON);
    expect(await codeOf(() => nfc.lock(OPERATOR_DAEMON))).toBe('NFC_BUSY');
    expect(await codeOf(() => nfc.unlock(OPERATOR_DAEMON))).toBe('NFC_BUSY');
    expect(await codeOf(() => PcscClient.connect(nfc, OPERATOR_DAEMON))).toBe('NFC_BUSY');
    expect(await codeOf(() => nfc.webRead(BROKER))).toBe('NFC_BUSY');
    nfc.unlock(PAYMENT_DAEMON);
    nfc.lock(OPERATOR_DAEMON);
    expect(nfc.holder).toEqual(OPERATOR_DAEMON);
  });

  it('lets only native callers lock: the broker and web apps are refused', async () => {
    const nfc = nfcWithCard();
    expect(await codeOf(() => nfc.lock(BROKER))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => nfc.lock(appCaller('shop', 10_001)))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => nfc.webRead(appCaller('shop', 10_001)))).toBe('DEVICE_ACCESS_DENIED');
    expect(nfc.holder).toBeUndefined();
  });

  it('gives UI apps NDEF only through Web NFC: no card data from a payment card', () => {
    const nfc = nfcWithCard();
    expect(nfc.webRead(BROKER)).toEqual({ kind: 'payment-card', records: [] });
  });

  it('reports NFC_NO_CARD with an empty field', async () => {
    const nfc = nfcWithCard();
    nfc.tap(undefined);
    expect(await codeOf(() => nfc.webRead(BROKER))).toBe('NFC_NO_CARD');
  });
});

describe('PC/SC path with E2E protection (000 §NFC; 004)', () => {
  it(
    'refuses a key exchange whose answer the NFC daemon ' + 'did not sign (a relay substituting its own point)',
    async () => {
      const nfc = nfcWithCard();
      const substitute = async (
        callerPublic: Uint8Array,
        forward: (p: Uint8Array) => Promise<Awaited<ReturnType<NfcController['openSession']>>>,
      ) => {
        const hello = await forward(callerPublic);
        return { ...hello, nfcPublicRaw: (await ephemeralKey()).publicRaw };
      };
      expect(await codeOf(() => PcscClient.connect(nfc, PAYMENT_DAEMON, undefined, { handshake: substitute }))).toBe(
        'NFC_CHANNEL_INVALID',
      );
      const reader = await PcscClient.connect(nfc, PAYMENT_DAEMON, undefined, {
        handshake: (p, forward) => forward(p),
      });
      expect((await reader.transmit(selectAid(PAYMENT_CARD_AID))).sw).toBe(SW.OK);
    },
  );

  it('reads the card for the native caller while the GeckoBridge hop only ever sees ciphertext', async () => {
    const nfc = nfcWithCard();
    const seen: Buffer[] = [];
    nfc.lock(PAYMENT_DAEMON);
    const reader = await PcscClient.connect(nfc, PAYMENT_DAEMON, async (sealed, forward) => {
      seen.push(Buffer.from(sealed));
      const answer = await forward(sealed);
      seen.push(Buffer.from(answer));
      return answer;
    });
    await reader.transmit(selectAid(PAYMENT_CARD_AID));
    const rec = await reader.transmit(readRecord(1, 1));
    expect(parseCardRecord(rec.data).pan).toBe(PAN);
    const bcd = Buffer.from(PAN, 'hex');
    expect(seen).toHaveLength(4);
    for (const bytes of seen) {
      expect(bytes.includes(bcd)).toBe(false);
      expect(bytes.includes(Buffer.from(PAN))).toBe(false);
      expect(bytes.includes(Buffer.from(MERCHANT_TAG_AID, 'hex'))).toBe(false);
    }
  });

  it('detects a relay that tampers with, or replays, a sealed message (NFC_CHANNEL_INVALID)', async () => {
    const nfc = nfcWithCard();
    const flip = await PcscClient.connect(nfc, PAYMENT_DAEMON, async (sealed, forward) => {
      const answer = Buffer.from(await forward(sealed));
      answer[answer.length - 1]! ^= 1;
      return answer;
    });
    expect(await codeOf(() => flip.transmit(selectAid(PAYMENT_CARD_AID)))).toBe('NFC_CHANNEL_INVALID');

    let first: Uint8Array | undefined;
    const replay = await PcscClient.connect(nfc, PAYMENT_DAEMON, async (sealed, forward) => {
      first ??= sealed;
      return forward(first);
    });
    await replay.transmit(selectAid(PAYMENT_CARD_AID));
    expect(await codeOf(() => replay.transmit(readRecord(1, 1)))).toBe('NFC_CHANNEL_INVALID');
  });

  it('refuses a session opened by one native caller to be used by another', async () => {
    const nfc = nfcWithCard();
    const mine = await PcscClient.connect(nfc, PAYMENT_DAEMON, async (sealed) =>
      nfc.transmit(OPERATOR_DAEMON, new Uint8Array(16), sealed),
    );
    expect(await codeOf(() => mine.transmit(selectAid(PAYMENT_CARD_AID)))).toBe('NFC_CHANNEL_INVALID');
  });
});
