import { DfsError } from '../../../kit/src/errors.js';
import { encodeResponse, INS, parseCommand, SW, type Command } from './apdu.js';

/** An NDEF record as Web NFC exposes it to UI apps. */
export interface NdefRecord {
  recordType: 'text' | 'url';
  data: string;
}

/** A card or tag in the NFC field: answers APDUs, and may carry NDEF for Web NFC. */
export interface SimulatedCard {
  readonly kind: 'payment-card' | 'merchant-tag';
  readonly ndef: readonly NdefRecord[];
  process(apdu: Uint8Array): Uint8Array;
}

export const PAYMENT_CARD_AID = 'A0000000031010';
export const MERCHANT_TAG_AID = 'F0444653504159';

/**
 * An ISO 7816-4 application with one AID and records by (SFI,
 * number); malformed commands get status words, never exceptions.
 */
function application(
  kind: SimulatedCard['kind'],
  aid: string,
  records: Map<string, Uint8Array>,
  ndef: NdefRecord[],
): SimulatedCard {
  let selected = false;
  const answer = (c: Command): Uint8Array => {
    if (c.cla !== 0x00) return encodeResponse(new Uint8Array(), SW.CLA_NOT_SUPPORTED);
    if (c.ins === INS.SELECT) {
      if (c.p1 !== 0x04 || c.p2 !== 0x00) return encodeResponse(new Uint8Array(), SW.WRONG_P1P2);
      selected = Buffer.from(c.data).toString('hex').toUpperCase() === aid;
      return encodeResponse(new Uint8Array(), selected ? SW.OK : SW.FILE_NOT_FOUND);
    }
    if (c.ins === INS.READ_RECORD) {
      if (!selected) return encodeResponse(new Uint8Array(), SW.CONDITIONS_NOT_SATISFIED);
      if ((c.p2 & 0x07) !== 0x04) return encodeResponse(new Uint8Array(), SW.WRONG_P1P2);
      const rec = records.get(`${c.p2 >> 3}:${c.p1}`);
      return rec ? encodeResponse(rec, SW.OK) : encodeResponse(new Uint8Array(), SW.RECORD_NOT_FOUND);
    }
    return encodeResponse(new Uint8Array(), SW.INS_NOT_SUPPORTED);
  };
  return {
    kind,
    ndef,
    process(apdu) {
      try {
        return answer(parseCommand(apdu));
      } catch {
        return encodeResponse(new Uint8Array(), SW.WRONG_LENGTH);
      }
    },
  };
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  const t = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  return new Uint8Array([...t, value.length, ...value]);
}

/** A contactless payment card: PAN (BCD), expiry YYMM and cardholder name in SFI 1 record 1. */
export function paymentCard(pan: string, expiry: string, name: string): SimulatedCard {
  const bcd = Buffer.from(pan.length % 2 ? pan + 'F' : pan, 'hex');
  const record = tlv(
    0x70,
    new Uint8Array([
      ...tlv(0x5a, bcd),
      ...tlv(0x5f24, Buffer.from(expiry + '31', 'hex')),
      ...tlv(0x5f20, Buffer.from(name, 'ascii')),
    ]),
  );
  return application('payment-card', PAYMENT_CARD_AID, new Map([['1:1', record]]), []);
}

/**
 * A merchant tag carrying a payment request in SFI 1 record 1 (a signed
 * JWS as text, or anything else as JSON), and a plain NDEF label.
 */
export function merchantTag(request: unknown, label = 'DFS Pay merchant'): SimulatedCard {
  const record = typeof request === 'string' ? request : JSON.stringify(request);
  return application('merchant-tag', MERCHANT_TAG_AID, new Map([['1:1', new TextEncoder().encode(record)]]), [
    { recordType: 'text', data: label },
  ]);
}

/** Reads the card record: PAN, expiry (YYMM) and name; malformed TLV is APDU_MALFORMED. */
export function parseCardRecord(record: Uint8Array): { pan: string; expiry: string; name: string } {
  const fields = new Map<number, Uint8Array>();
  let i = record[0] === 0x70 ? 2 : 0;
  while (i < record.length) {
    const tag = (record[i]! & 0x1f) === 0x1f ? (record[i]! << 8) | record[i + 1]! : record[i]!;
    i += tag > 0xff ? 2 : 1;
    const len = record[i++];
    if (len === undefined || i + len > record.length) throw new DfsError('APDU_MALFORMED', 'card record TLV');
    fields.set(tag, record.subarray(i, i + len));
    i += len;
  }
  const pan = fields.get(0x5a);
  const exp = fields.get(0x5f24);
  if (!pan || !exp) throw new DfsError('APDU_MALFORMED', 'card record fields');
  return {
    pan: Buffer.from(pan).toString('hex').toUpperCase().replace(/F$/, ''),
    expiry: Buffer.from(exp).toString('hex').slice(0, 4),
    name: Buffer.from(fields.get(0x5f20) ?? []).toString('ascii'),
  };
}
