import { createHash } from 'node:crypto';
import type { KeyInput } from 'jose';
import { ENROLLMENT_PROOF, type EnrollmentProof } from '../../../../contracts/enrollment.js';
import { DfsError, type ErrorCode } from '../../../../kit/src/errors.js';
import { updateState, type FotaCatalog } from '../../../../kit/src/fota-catalog.js';
import { verifyJws } from '../../../../kit/src/jws.js';
import type { SigningKey } from '../../../../kit/src/keys.js';
import type { x509 } from '../../../../kit/src/x509.js';
import type { AttestationStore, DeviceRecord } from '../store/ports.js';
import { checkConsumed } from './challenges.js';
import { checkRevoked, verifyChain, type DeriveLevel, type TrustAnchors } from './chain.js';
import { firmwareSigned, type DeviceTrust } from './device-trust.js';
import { issueDeviceCertificate, keyThumbprint, signToken } from './credentials.js';
import type { DeviceEvents } from './events.js';
import type { Policy } from './policy.js';
import { assessPosture, oldestPatch, type KeyReplacement, type SignedFacts, type Tier } from './posture.js';
import { attestedDevice, deviceIdOf, updateDevice } from './registry.js';
import { dropToReattest } from './status-list.js';

export interface EnrollInput {
  challengeId: string;
  attestationChain: Uint8Array[];
  proof: string;
  tlsPublicKey: Uint8Array;
  accountId: string;
  /** `role:name` of the TLS client making this call (the challenge must have been issued to it). */
  caller: string;
}

export interface EnrollDeps {
  store: AttestationStore;
  anchors: TrustAnchors;
  /** How the key's security level is derived from the verified chain (levelFromChain in production). */
  deriveLevel: DeriveLevel;
  /** Boot keys per model and app signer digests (ATTESTATION_DEVICE_TRUST_FILE). */
  trust: DeviceTrust;
  policy: Policy;
  tokenKey: () => SigningKey;
  deviceCa: { cert: x509.X509Certificate; key: CryptoKey };
  tokenTtlSec: number;
  events: DeviceEvents;
  now: () => number;
  /** How reported facts are bound to signed ones (SIGNED_FACTS in production). */
  facts?: SignedFacts;
  /** Whether a new key may replace the registered one (NO_WEAKER_KEY in production). */
  replacement?: KeyReplacement;
  /** The OEM release catalog (config/fota-catalog.json): the current release per model, as data. */
  catalog?: FotaCatalog;
  /**
   * Adopts into `anchors` the newest status list any replica stored, answering when the list in force
   * was issued (absent: the anchors are this process's alone).
   */
  followStatus?: () => Promise<number>;
}

export interface EnrollOutput {
  tier: Tier;
  reasons: string[];
  deviceId: string;
  token: string;
  tokenExpiresAtMs: number;
  clientCertificatePem: string;
  device: DeviceRecord;
}

/** A refused attestation: the first code in check order is the error code, all of them are kept. */
export class AttestationRefused extends DfsError {
  constructor(
    readonly codes: ErrorCode[],
    readonly deviceId?: string,
  ) {
    super(codes[0]!, codes.join(','));
  }
}

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}$/;

async function verifyProof(input: EnrollInput, jwk: KeyInput): Promise<void> {
  let proof: EnrollmentProof;
  try {
    proof = ENROLLMENT_PROOF.schema.parse((await verifyJws(input.proof, jwk, ENROLLMENT_PROOF)).payload);
  } catch (err) {
    if (err instanceof DfsError) throw err;
    throw new DfsError('ATTESTATION_PROOF_INVALID', undefined, { cause: err });
  }
  const tlsHash = createHash('sha256').update(input.tlsPublicKey).digest('base64url');
  if (
    proof.challengeId !== input.challengeId ||
    proof.tlsKeySha256 !== tlsHash ||
    proof.accountId !== input.accountId
  ) {
    throw new DfsError('ATTESTATION_PROOF_INVALID', 'proof does not match the request');
  }
}

/**
 * The device's mTLS client certificate for the TLS key the proof bound; INVALID_ARGUMENT for a key that is not P-256.
 */
async function deviceCertificate(deviceId: string, tlsKey: Uint8Array, deps: EnrollDeps, now: number): Promise<string> {
  try {
    return await issueDeviceCertificate(deviceId, tlsKey, deps.deviceCa, deps.tokenTtlSec * 4, now);
  } catch (err) {
    throw new DfsError('INVALID_ARGUMENT', 'tlsPublicKey is not an EC P-256 SPKI', { cause: err });
  }
}

/**
 * Enrollment (brief §3.3), checks in the order of docs/ATTESTATION.md: the challenge (known, unused,
 * fresh, issued to this caller), the chain to a pinned root, the record carries the challenge, proof
 * of possession by the attested key (binding the TLS key and wallet), then the policy against the
 * registry. On success the key is registered and the credentials issued; every refusal is an event.
 */
export async function enroll(input: EnrollInput, deps: EnrollDeps): Promise<EnrollOutput> {
  let known: { deviceId: string; model: string } | undefined;
  try {
    if (!ACCOUNT_ID.test(input.accountId)) throw new DfsError('INVALID_ARGUMENT', 'accountId');
    if (input.tlsPublicKey.length === 0 || input.tlsPublicKey.length > 512)
      throw new DfsError('INVALID_ARGUMENT', 'tlsPublicKey');
    const now = deps.now();
    const challenge = checkConsumed(
      await deps.store.consumeChallenge(input.challengeId),
      { purpose: 'enroll', binding: input.caller },
      now,
    );
    const listAt = await deps.followStatus?.();
    const evidence = await verifyChain(input.attestationChain, deps.anchors, new Date(now));
    const { record, leafPublicKey } = evidence;
    const securityLevel = deps.deriveLevel(evidence);
    if (record.challenge !== challenge.nonce) throw new DfsError('ATTESTATION_CHALLENGE_MISMATCH');
    const { jwk, jkt } = await keyThumbprint(leafPublicKey);
    await verifyProof(input, jwk);

    known = { deviceId: deviceIdOf(record.device.imei), model: record.device.model };
    const deviceId = known.deviceId;
    const update = deps.catalog
      ? updateState(deps.catalog, record.device.model, oldestPatch(record), record.rollbackIndex, now)
      : undefined;
    const signedFirmware = await firmwareSigned(record, deps.trust);
    let clientCertificatePem: string | undefined;
    // Posture is judged against the registry as it is when the device is written: a revocation
    // that lands meanwhile makes the write fail, and the enrollment is judged again.
    const { device, replacedKey, posture } = (await updateDevice(deps.store, deviceId, async (prior) => {
      const posture = assessPosture(record, deps.policy, {
        now,
        prior,
        keyThumbprint: jkt,
        securityLevel,
        trust: deps.trust,
        firmwareSigned: signedFirmware,
        facts: deps.facts,
        replacement: deps.replacement,
        ...(update ? { update } : {}),
      });
      if (posture.tier === 'REFUSED') throw new AttestationRefused(posture.refusals, deviceId);
      clientCertificatePem ??= await deviceCertificate(deviceId, input.tlsPublicKey, deps, now);
      return {
        posture: { tier: posture.tier, reasons: posture.reasons },
        ...attestedDevice(prior, {
          record,
          keyThumbprint: jkt,
          accountId: input.accountId,
          tier: posture.tier,
          reasons: posture.reasons,
          securityLevel,
          attestationSerials: evidence.issuers.map((c) => c.serialNumber.toLowerCase()),
          policyVersion: deps.policy.version,
          now,
        }),
      };
    }))!;
    // A list another replica stored meanwhile judges the device just written: that replica dropped the
    // devices written before it stored the list, and this one may have been written after its pass.
    if (deps.followStatus && (await deps.followStatus()) !== listAt) {
      try {
        checkRevoked(evidence.serials[0]!, device.attestationSerials ?? [], deps.anchors.revokedSerials);
      } catch (err) {
        await dropToReattest(device.deviceId, deps);
        throw err;
      }
    }
    const { token, expiresAtMs } = await signToken(
      {
        deviceId: device.deviceId,
        accountId: input.accountId,
        tier: posture.tier,
        reasons: posture.reasons,
        keyThumbprint: jkt,
        reattest: deps.policy.reattestation,
      },
      deps.tokenKey(),
      deps.tokenTtlSec,
      now,
    );
    if (replacedKey)
      await deps.events.revoked({
        deviceId: device.deviceId,
        scope: 'key',
        keyThumbprints: [replacedKey],
        reason: 'KEY_REPLACED',
      });
    await deps.events.attested(device, replacedKey);
    return {
      tier: posture.tier,
      reasons: posture.reasons,
      deviceId: device.deviceId,
      token,
      tokenExpiresAtMs: expiresAtMs,
      clientCertificatePem: clientCertificatePem!,
      device,
    };
  } catch (err) {
    if (err instanceof DfsError && (err.code.startsWith('ATTESTATION_') || err.code === 'JWS_TYPE_MISMATCH')) {
      await deps.events.rejected({
        ...(known ?? {}),
        codes: err instanceof AttestationRefused ? err.codes : [err.code],
      });
    }
    throw err;
  }
}
