import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { attestationChain, type AttestationSigner, type PowerOnState } from '../ese/attest.js';
import { Keystore } from '../ese/keystore.js';
import { PinApplet } from '../ese/pin.js';
import type { DaemonKeystore } from './keystore-port.js';

/**
 * The daemon's fallback on a phone without an eSE: keys and PIN live in the daemon process, and
 * attestations are signed by the software attestation key shipped in the OEM firmware (the same on
 * every phone, certified by the OEM root) with `securityLevel: 'software'`, which the backend's
 * policy can only rate LOW. See docs/DEVICE.md "Phones without an eSE".
 */
export class SoftwareKeystore implements DaemonKeystore {
  readonly securityLevel = 'software' as const;
  readonly #pin: PinApplet;
  readonly #keys: Keystore;

  constructor(
    private readonly uid: number,
    private readonly signer: AttestationSigner,
    private readonly identity: AttestationRecord['device'],
    private readonly powerOn: PowerOnState,
    pin: string,
    pinMaxTries = 5,
  ) {
    this.#pin = new PinApplet(pinMaxTries, { resetKey: () => undefined, imei: () => identity.imei });
    this.#pin.set(pin);
    this.#keys = new Keystore((u) => this.#pin.authorize(u));
  }

  /** True when the daemon's UID holds `alias`. */
  hasKey(alias: string): boolean {
    return this.#keys.has(this.uid, alias);
  }

  /** A non-extractable EC P-256 key in the daemon process, bound to the PIN. */
  generateSigningKey(alias: string): Promise<void> {
    return this.#keys.generateKey(this.uid, alias, { algorithm: 'EC_P256', purpose: 'sign', authBound: true });
  }

  /** Attests with the firmware's software attestation key; the record says `software`. */
  async attest(alias: string, challenge: string, application: AttestationRecord['application']): Promise<Uint8Array[]> {
    if (!this.#keys.has(this.uid, alias)) throw new DfsError('ESE_KEY_NOT_FOUND');
    const record: AttestationRecord = {
      version: 1,
      challenge,
      key: {
        algorithm: 'EC_P256',
        purposes: ['sign', 'verify'],
        exportable: false,
        ownerUid: this.uid,
        origin: 'generated',
        securityLevel: 'software',
      },
      device: { ...this.identity },
      ...structuredClone(this.powerOn),
      application,
      issuedAt: Date.now(),
    };
    return attestationChain(this.#keys.publicKey(this.uid, alias), record, this.signer);
  }

  /** The public half of a daemon key. */
  publicJwk(alias: string) {
    return this.#keys.publicJwk(this.uid, alias);
  }

  /** Signs in the daemon process; needs a fresh PIN like the eSE. */
  sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.#keys.sign(this.uid, alias, data);
  }

  /** Signs a device report without a PIN, like the eSE. */
  signReport(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.#keys.signReport(this.uid, alias, data);
  }

  /** Verifies the PIN with the same retry counter rules as the eSE applet. */
  verifyPin(pin: string): void {
    this.#pin.verify(this.uid, pin);
  }
}
