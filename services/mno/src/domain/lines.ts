import { randomInt } from 'node:crypto';
import type { SimChange } from '../../../../contracts/events.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { sha256b64url } from '../../../../kit/src/jws.js';

/** A SIM as the operator issued it: card id, subscriber identity, and the number it serves. */
export interface Sim {
  iccid: string;
  imsi: string;
  msisdn: string;
}

/**
 * One mobile line: the number, the SIM it is paired with now (none when removed), and when that pairing last changed.
 */
export interface Line {
  msisdn: string;
  sim: Sim | null;
  activatedAtMs: number;
  /** Latest MSISDN <-> IMSI pairing change (CAMARA "SIM swap": a new SIM, a port-in, a new subscription). */
  latestSimChangeMs: number;
}

/**
 * What changed on a line: a swap (new SIM for the number), a port (the number moved to a SIM of ours), or a removal.
 */
export type LineChange = SimChange;

const E164 = /^\+[1-9]\d{4,14}$/;
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** The operator's subscriber registry (its HLR, simulated): lines by MSISDN, in memory. */
export class LineRegistry {
  readonly #lines = new Map<string, Line>();

  constructor(
    private readonly countryCode: string,
    private readonly now: () => number = Date.now,
  ) {}

  #newSim(msisdn: string): Sim {
    return {
      iccid: `89${this.countryCode}${digits(19 - 2 - this.countryCode.length)}`,
      imsi: `639${digits(12)}`,
      msisdn,
    };
  }

  /** A new subscription: a fresh number with its first SIM. */
  provision(): Sim {
    let msisdn: string;
    do msisdn = `+${this.countryCode}7${digits(8)}`;
    while (this.#lines.has(msisdn));
    const sim = this.#newSim(msisdn);
    const at = this.now();
    this.#lines.set(msisdn, { msisdn, sim, activatedAtMs: at, latestSimChangeMs: at });
    return sim;
  }

  /** The line of `msisdn`; MNO_IDENTIFIER_NOT_FOUND for a number that is not ours. */
  get(msisdn: string): Line {
    if (!E164.test(msisdn)) throw new DfsError('INVALID_ARGUMENT', 'phoneNumber must be E.164 (+ and 5 to 15 digits)');
    const line = this.#lines.get(msisdn);
    if (!line) throw new DfsError('MNO_IDENTIFIER_NOT_FOUND');
    return line;
  }

  /** Pairs the number with a new SIM (a swap, or a port-in): the old SIM stops working; the new SIM. */
  change(msisdn: string): Sim {
    const line = this.get(msisdn);
    const sim = this.#newSim(msisdn);
    this.#lines.set(msisdn, { ...line, sim, latestSimChangeMs: this.now() });
    return sim;
  }

  /** Takes the SIM off the line (lost, blocked): the number has no SIM until a swap issues one. */
  remove(msisdn: string): void {
    const line = this.get(msisdn);
    this.#lines.set(msisdn, { ...line, sim: null });
  }

  /**
   * True when the line of `msisdn` is paired now with the SIM whose IMSI hashes (SHA-256, base64url) to
   * `imsiHash`: the phone that reported this hash holds the number's working SIM. False for a number
   * that is not ours, has no SIM, or whose SIM was swapped since.
   */
  servesImsiHash(msisdn: string, imsiHash: string): boolean {
    const imsi = this.#lines.get(msisdn)?.sim?.imsi;
    return imsi !== undefined && sha256b64url(imsi) === imsiHash;
  }
}

/** CAMARA check: was the SIM of the line changed within the last `maxAgeHours` (1..2400)? */
export function swappedWithin(line: Line, maxAgeHours: number, now: number): boolean {
  if (!Number.isInteger(maxAgeHours) || maxAgeHours < 1 || maxAgeHours > 2400) throw new DfsError('MNO_OUT_OF_RANGE');
  return line.latestSimChangeMs > line.activatedAtMs && now - line.latestSimChangeMs <= maxAgeHours * 3_600_000;
}
