import { createHash } from 'node:crypto';
import { compactVerify } from 'jose';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { x509 } from '../../../../kit/src/x509.js';
import type { AttestationStore, DeviceRecord } from '../store/ports.js';
import { checkConsumed } from './challenges.js';
import { verifyChain } from './chain.js';
import { deviceIdOf, issueDeviceCertificate, keyThumbprint, signToken } from './credentials.js';
import { evaluatePolicy, type Policy, type Posture } from './policy.js';

export interface EnrollInput {
  challengeId: string;
  attestationChain: Uint8Array[];
  proof: string;
  tlsPublicKey: Uint8Array;
  accountId: string;
}

export interface EnrollDeps {
  store: AttestationStore;
  roots: x509.X509Certificate[];
  policy: Policy;
  tokenKey: () => SigningKey;
  deviceCa: { cert: x509.X509Certificate; key: CryptoKey };
  tokenTtlSec: number;
  now: () => number;
}

export interface EnrollOutput extends Posture {
  deviceId: string;
  token: string;
  tokenExpiresAtMs: number;
  clientCertificatePem: string;
  device: DeviceRecord;
}

const Proof = z.object({ challengeId: z.string(), tlsKeySha256: z.string(), accountId: z.string() });
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}$/;

/**
 * Enrollment (brief §3.3): consume the challenge, verify the chain to a pinned root, check that the
 * record carries this challenge, verify the proof of possession made by the attested key (which also
 * binds the TLS key and the wallet), apply the policy, register the key, issue the credentials.
 */
export async function enroll(input: EnrollInput, deps: EnrollDeps): Promise<EnrollOutput> {
  if (!ACCOUNT_ID.test(input.accountId)) throw new DfsError('INVALID_ARGUMENT', 'accountId');
  if (input.tlsPublicKey.length === 0 || input.tlsPublicKey.length > 512) throw new DfsError('INVALID_ARGUMENT', 'tlsPublicKey');
  const now = deps.now();
  const challenge = checkConsumed(await deps.store.consumeChallenge(input.challengeId), 'enroll', now);
  const { record, leafPublicKey } = await verifyChain(input.attestationChain, deps.roots, new Date(now));
  if (record.challenge !== challenge.nonce) throw new DfsError('ATTESTATION_CHALLENGE_MISMATCH');

  const { jwk, jkt } = await keyThumbprint(leafPublicKey);
  let proof: z.infer<typeof Proof>;
  try {
    const { payload } = await compactVerify(input.proof, jwk as Parameters<typeof compactVerify>[1] & object, { algorithms: ['ES256'] });
    proof = Proof.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch (err) {
    throw new DfsError('ATTESTATION_PROOF_INVALID', undefined, { cause: err });
  }
  const tlsHash = createHash('sha256').update(input.tlsPublicKey).digest('base64url');
  if (proof.challengeId !== input.challengeId || proof.tlsKeySha256 !== tlsHash || proof.accountId !== input.accountId) {
    throw new DfsError('ATTESTATION_PROOF_INVALID', 'proof does not match the request');
  }

  const posture = evaluatePolicy(record, deps.policy, now);
  const deviceId = deviceIdOf(record.device.imei);
  const device: DeviceRecord = {
    deviceId, imei: record.device.imei, model: record.device.model, serial: record.device.serial, keyThumbprint: jkt,
    accountId: input.accountId, tier: posture.tier, reasons: posture.reasons, highestRollbackIndex: record.rollbackIndex,
    status: 'ACTIVE', lastAttestedAtMs: now,
  };
  let clientCertificatePem: string;
  try {
    clientCertificatePem = await issueDeviceCertificate(deviceId, input.tlsPublicKey, deps.deviceCa, deps.tokenTtlSec * 4);
  } catch (err) {
    throw new DfsError('INVALID_ARGUMENT', 'tlsPublicKey is not an EC P-256 SPKI', { cause: err });
  }
  await deps.store.putDevice(device);
  const { token, expiresAtMs } = await signToken({ deviceId, accountId: input.accountId, tier: posture.tier, reasons: posture.reasons, keyThumbprint: jkt }, deps.tokenKey(), deps.tokenTtlSec, now);
  return { ...posture, deviceId, token, tokenExpiresAtMs: expiresAtMs, clientCertificatePem, device };
}
