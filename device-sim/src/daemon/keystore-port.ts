import type { webcrypto } from 'node:crypto';
import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import type { Caller } from '../access-policy.js';
import type { EseService } from '../ese/ese-service.js';

/** The keystore as the payment daemon uses it: the eSE when the phone has one, a software keystore otherwise. */
export interface DaemonKeystore {
  readonly securityLevel: 'ese' | 'software';
  hasKey(alias: string): boolean;
  generateSigningKey(alias: string): Promise<void>;
  attest(alias: string, challenge: string, application: AttestationRecord['application']): Promise<Uint8Array[]>;
  publicJwk(alias: string): Promise<webcrypto.JsonWebKey>;
  sign(alias: string, data: Uint8Array): Promise<Uint8Array>;
  /** Signs a device report (typ dfs-device-report+jws only) without a PIN. */
  signReport(alias: string, data: Uint8Array): Promise<Uint8Array>;
  /** The PIN sink of the native UI. */
  verifyPin(pin: string): void;
}

/** The eSE keystore seen by one native caller (its UID owns the keys). */
export function eseKeystore(ese: EseService, caller: Caller): DaemonKeystore {
  const generated = new Set<string>();
  return {
    securityLevel: 'ese',
    hasKey: (alias) => generated.has(alias),
    async generateSigningKey(alias) {
      await ese.generateKey(caller, alias, { algorithm: 'EC_P256', purpose: 'sign', authBound: true });
      generated.add(alias);
    },
    attest: (alias, challenge, application) => ese.attestKey(caller, alias, challenge, application),
    publicJwk: (alias) => ese.publicJwk(caller, alias),
    sign: (alias, data) => ese.sign(caller, alias, data),
    signReport: (alias, data) => ese.signReport(caller, alias, data),
    verifyPin: (pin) => ese.verifyPin(caller, pin),
  };
}
