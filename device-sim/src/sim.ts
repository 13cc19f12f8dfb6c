/** A SIM as the mobile operator issued it: card id, subscriber identity, and the number it serves. */
export interface Sim {
  iccid: string;
  imsi: string;
  msisdn: string;
}

/** The phone's SIM slot: what the modem reads (nothing when empty); tests insert, swap and remove cards. */
export class SimSlot {
  #sim: Sim | null;

  constructor(sim: Sim | null = null) {
    this.#sim = sim;
  }

  /** The card in the slot, or null. */
  get current(): Sim | null {
    return this.#sim;
  }

  insert(sim: Sim): void {
    this.#sim = { ...sim };
  }

  remove(): void {
    this.#sim = null;
  }
}
