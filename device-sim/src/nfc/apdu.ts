import { DfsError } from '../../../kit/src/errors.js';

/** ISO 7816-4 status words used by the simulated cards. */
export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

export const INS = { SELECT: 0xa4, READ_RECORD: 0xb2 } as const;

/** A short command APDU. */
export interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  le?: number;
}

/** A response APDU: data then SW1 SW2. */
export interface Response {
  data: Uint8Array;
  sw: number;
}

/** Encodes a short command APDU (cases 1-4). */
export function encodeCommand(c: Command): Uint8Array {
  if (c.data.length > 255) throw new DfsError('APDU_MALFORMED', 'data too long for a short APDU');
  const head = [c.cla, c.ins, c.p1, c.p2];
  const body = c.data.length ? [c.data.length, ...c.data] : [];
  return new Uint8Array([...head, ...body, ...(c.le === undefined ? [] : [c.le])]);
}

/** Parses a short command APDU; inconsistent lengths are APDU_MALFORMED. */
export function parseCommand(bytes: Uint8Array): Command {
  if (bytes.length < 4) throw new DfsError('APDU_MALFORMED', 'shorter than a header');
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (bytes.length === 4) return { cla, ins, p1, p2, data: new Uint8Array() };
  if (bytes.length === 5) return { cla, ins, p1, p2, data: new Uint8Array(), le: bytes[4]! };
  const lc = bytes[4]!;
  if (lc === 0) throw new DfsError('APDU_MALFORMED', 'extended length not supported');
  if (bytes.length === 5 + lc) return { cla, ins, p1, p2, data: bytes.slice(5) };
  if (bytes.length === 6 + lc) return { cla, ins, p1, p2, data: bytes.slice(5, 5 + lc), le: bytes[5 + lc]! };
  throw new DfsError('APDU_MALFORMED', 'Lc does not match the length');
}

/** Encodes a response APDU. */
export function encodeResponse(data: Uint8Array, sw: number): Uint8Array {
  return new Uint8Array([...data, sw >> 8, sw & 0xff]);
}

/** Parses a response APDU; fewer than two bytes is APDU_MALFORMED. */
export function parseResponse(bytes: Uint8Array): Response {
  if (bytes.length < 2) throw new DfsError('APDU_MALFORMED', 'no status word');
  return { data: bytes.slice(0, -2), sw: (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]! };
}

/** SELECT by AID (P1 04, first or only occurrence). */
export function selectAid(aidHex: string): Uint8Array {
  return encodeCommand({ cla: 0x00, ins: INS.SELECT, p1: 0x04, p2: 0x00, data: Buffer.from(aidHex, 'hex'), le: 0 });
}

/** READ RECORD `record` of short file `sfi`. */
export function readRecord(record: number, sfi: number): Uint8Array {
  return encodeCommand({
    cla: 0x00,
    ins: INS.READ_RECORD,
    p1: record,
    p2: (sfi << 3) | 0x04,
    data: new Uint8Array(),
    le: 0,
  });
}
