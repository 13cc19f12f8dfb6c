import { readFileSync } from 'node:fs';
import { ATTESTATION_OID, decodeRecord, type AttestationRecord } from '../../kit/src/attestation-record.js';
import { DfsError } from '../../kit/src/errors.js';
import { spiffeId, type IdentityKind } from '../../kit/src/identity.js';
import { loadIssuer, type PkiPaths } from '../../kit/src/pki.js';
import type { TlsMaterial } from '../../kit/src/tls.js';
import { EC_P256, generateEcKeyPair, issueCertificate, privateKeyPem, x509 } from '../../kit/src/x509.js';
import type { DaemonKeystore } from '../../device-sim/src/daemon/keystore-port.js';
import { attestationChain, type AttestationSigner } from '../../device-sim/src/ese/attest.js';

/**
 * Firmware an attacker controls: the daemon's genuine keystore, except that every attestation
 * record is rewritten by `edit` and re-signed with `signer` (the firmware's own software
 * attestation key, or a leaked eSE batch key).
 */
export function rewriteAttestation(
  signer: AttestationSigner,
  edit: (r: AttestationRecord) => void,
): (k: DaemonKeystore) => DaemonKeystore {
  return (k) => ({
    securityLevel: 'ese',
    hasKey: (alias) => k.hasKey(alias),
    generateSigningKey: (alias) => k.generateSigningKey(alias),
    publicJwk: (alias) => k.publicJwk(alias),
    sign: (alias, data) => k.sign(alias, data),
    signReport: (alias, data) => k.signReport(alias, data),
    verifyPin: (pin) => k.verifyPin(pin),
    async attest(alias, challenge, application) {
      const genuine = new x509.X509Certificate(new Uint8Array((await k.attest(alias, challenge, application))[0]!));
      const record = decodeRecord(
        genuine.extensions.find((e) => e.type === ATTESTATION_OID)?.value ?? new Uint8Array(),
      );
      if (!record) throw new DfsError('ATTESTATION_EXTENSION_INVALID');
      edit(record);
      return attestationChain(await genuine.publicKey.export(EC_P256, ['verify']), record, signer);
    },
  });
}

/** A phone without an eSE whose firmware claims one: the record says `securityLevel: 'ese'`, re-signed by `signer`. */
export const claimEse = (signer: AttestationSigner) =>
  rewriteAttestation(signer, (r) => {
    r.key.securityLevel = 'ese';
  });

/**
 * A client certificate naming `kind/name`, signed with the dev PKI's device CA key (chain: it and the
 * device CA), what whoever holds that key can mint: the handshake verifies it against the root.
 */
export async function mintWithDeviceCa(pki: PkiPaths, kind: IdentityKind, name: string): Promise<TlsMaterial> {
  const deviceCa = await loadIssuer(pki.cert('device-ca'), pki.key('device-ca'));
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject: `CN=${name}, OU=${kind}`,
    publicKey: keys.publicKey,
    issuer: deviceCa,
    uris: [spiffeId(kind, name)],
    usages: ['clientAuth'],
  });
  return {
    ca: readFileSync(pki.ca),
    cert: Buffer.from(`${cert.toString('pem')}\n${deviceCa.cert.toString('pem')}\n`),
    key: Buffer.from(await privateKeyPem(keys.privateKey)),
  };
}
