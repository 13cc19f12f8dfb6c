import type { Tier } from '../../../../contracts/common.js';
import type { AttestationRecord } from '../../../../kit/src/attestation-record.js';
import type { ErrorCode } from '../../../../kit/src/errors.js';
import type { UpdateState } from '../../../../kit/src/fota-catalog.js';
import type { DeviceRecord } from '../store/ports.js';
import type { DeviceTrust } from './device-trust.js';
import { patchBandOf, type Policy } from './policy.js';

export type { Tier };

/**
 * The order in which policy refusals are reported (docs/ATTESTATION.md): every check runs, all
 * failing ones are kept for the log and the `device.rejected` event, the first one is the error code.
 */
export const REFUSAL_ORDER = [
  'ATTESTATION_DEVICE_REVOKED',
  'ATTESTATION_KEY_REVOKED',
  'ATTESTATION_EVIDENCE_EXPIRED',
  'ATTESTATION_KEY_EXPORTABLE',
  'ATTESTATION_KEY_PROPERTIES',
  'ATTESTATION_KEY_OWNER',
  'ATTESTATION_UNKNOWN_APPLICATION',
  'ATTESTATION_APP_SIGNER_MISMATCH',
  'ATTESTATION_DEVICE_ROOTED',
  'ATTESTATION_EMULATOR',
  'ATTESTATION_DEBUG_ENABLED',
  'ATTESTATION_DEVELOPER_MODE',
  'ATTESTATION_BOOT_UNVERIFIED',
  'ATTESTATION_BOOTLOADER_UNLOCKED',
  'ATTESTATION_BOOT_KEY_UNKNOWN',
  'ATTESTATION_FIRMWARE_UNSIGNED',
  'ATTESTATION_PATCH_LEVEL_MISMATCH',
  'ATTESTATION_ROLLBACK',
  'ATTESTATION_PATCH_TOO_OLD',
  'ATTESTATION_SECURITY_LEVEL_MISMATCH',
  'ATTESTATION_ESE_REQUIRED',
  'ATTESTATION_KEY_CONFLICT',
] as const satisfies readonly ErrorCode[];
export type Refusal = (typeof REFUSAL_ORDER)[number];

/** Evidence may be dated this far in the future (clock skew between phone and backend). */
const MAX_SKEW_MS = 60_000;

/** The posture decision (brief §4): a tier, or REFUSED with every refusal in check order. */
export type Posture =
  { tier: Tier; reasons: string[]; refusals: [] } | { tier: 'REFUSED'; reasons: string[]; refusals: Refusal[] };

/** What the registry already knows about this device, and the key now presented. */
export interface PostureContext {
  now: number;
  prior: DeviceRecord | null;
  keyThumbprint: string;
  /** The security level the chain proved (derived at enrollment, never read from the record). */
  securityLevel: 'ese' | 'software';
  /** Boot keys per model and app signer digests (the OEM's and developer's published data). */
  trust: DeviceTrust;
  /** Whether the record's firmware manifest verified under one of its model's boot keys. */
  firmwareSigned: boolean;
  /**
   * Where the attested firmware stands against the model's current release (FOTA catalog); absent without a catalog.
   */
  update?: UpdateState;
  /** How reported facts are bound to signed ones (injected at wiring; SIGNED_FACTS when absent). */
  facts?: SignedFacts;
  /** Whether a new key may replace the registered one (injected at wiring; NO_WEAKER_KEY when absent). */
  replacement?: KeyReplacement;
}

/**
 * Whether the key of a new chain at `securityLevel` may replace the key `prior` registered (policy
 * `revoke-old`): the registry's rule for re-keying, injected at wiring so it can be replaced.
 */
export type KeyReplacement = (prior: DeviceRecord, securityLevel: 'ese' | 'software') => boolean;

const LEVEL_RANK = { software: 0, ese: 1 } as const;

/**
 * The production re-keying rule: a key is replaced only by one whose chain proves a security level at least
 * as high as the prior enrollment's. The software attestation key is in every eSE-less phone's firmware, so
 * anyone can sign a software record for any IMEI; it must never re-key (and revoke) an eSE-enrolled device.
 */
export const NO_WEAKER_KEY: KeyReplacement = (prior, level) => LEVEL_RANK[level] >= LEVEL_RANK[prior.securityLevel];

/**
 * How facts the record reports are bound to what the OEM and
 * the app's developer signed; each says whether the fact holds.
 */
export interface SignedFacts {
  /** The verified boot key hash is one the model ships with (device trust file). */
  bootKey(record: AttestationRecord, trust: DeviceTrust): boolean;
  /** The payment app package is signed by one of its developer's certificates (device trust file). */
  appSigner(record: AttestationRecord, trust: DeviceTrust): boolean;
  /** The reported OS patch level is the one of the OEM-signed firmware manifest. */
  patchLevel(record: AttestationRecord): boolean;
}

/** The production binding of reported facts to signed ones. */
export const SIGNED_FACTS: SignedFacts = {
  bootKey: (r, trust) =>
    Boolean(trust.models.get(r.device.model)?.bootKeyHashes.has(r.rootOfTrust.verifiedBootKeyHash)),
  appSigner: (r, trust) =>
    Boolean(trust.applications.get(r.application.packageName)?.has(r.application.signatureDigest)),
  patchLevel: (r) => r.patchLevel.os === r.firmware?.patchLevel,
};

const RANK: Record<Tier, number> = { LOW: 0, STANDARD: 1, HIGH: 2 };

/** The oldest of the three attested patch levels: the one that decides. */
export function oldestPatch(record: AttestationRecord): number {
  return Math.min(record.patchLevel.os, record.patchLevel.vendor, record.patchLevel.boot);
}

/** The key counts as held in an eSE only when the chain proves it (and the record does not say otherwise). */
const inEse = (record: AttestationRecord, ctx: PostureContext) =>
  ctx.securityLevel === 'ese' && record.key.securityLevel === 'ese';

function failing(record: AttestationRecord, policy: Policy, ctx: PostureContext): Record<Refusal, boolean> {
  const { key, rootOfTrust, safety, application } = record;
  const { prior } = ctx;
  const facts = ctx.facts ?? SIGNED_FACTS;
  return {
    ATTESTATION_DEVICE_REVOKED: prior?.status === 'REVOKED',
    ATTESTATION_KEY_REVOKED: Boolean(prior?.revokedKeyThumbprints.includes(ctx.keyThumbprint)),
    ATTESTATION_EVIDENCE_EXPIRED:
      ctx.now - record.issuedAt > policy.maxEvidenceAgeSec * 1000 || record.issuedAt - ctx.now > MAX_SKEW_MS,
    ATTESTATION_KEY_EXPORTABLE: key.exportable,
    ATTESTATION_KEY_PROPERTIES: !key.purposes.includes('sign') || key.origin !== 'generated',
    ATTESTATION_KEY_OWNER: key.ownerUid !== policy.daemonUid,
    ATTESTATION_UNKNOWN_APPLICATION: !policy.allowedApplications.some((a) => a.packageName === application.packageName),
    ATTESTATION_APP_SIGNER_MISMATCH:
      policy.allowedApplications.some((a) => a.packageName === application.packageName) &&
      !facts.appSigner(record, ctx.trust),
    ATTESTATION_DEVICE_ROOTED: policy.refuse.rooted && safety.rooted,
    ATTESTATION_EMULATOR: policy.refuse.emulator && safety.emulator,
    ATTESTATION_DEBUG_ENABLED: policy.refuse.debug && safety.debug,
    ATTESTATION_DEVELOPER_MODE: policy.refuse.developerMode && safety.developerMode,
    ATTESTATION_BOOT_UNVERIFIED: policy.requireVerifiedBoot && rootOfTrust.verifiedBootState !== 'verified',
    ATTESTATION_BOOTLOADER_UNLOCKED: policy.requireLocked && !rootOfTrust.deviceLocked,
    ATTESTATION_BOOT_KEY_UNKNOWN: !facts.bootKey(record, ctx.trust),
    ATTESTATION_FIRMWARE_UNSIGNED: !ctx.firmwareSigned,
    ATTESTATION_PATCH_LEVEL_MISMATCH: ctx.firmwareSigned && !facts.patchLevel(record),
    ATTESTATION_ROLLBACK: prior !== null && record.rollbackIndex < prior.highestRollbackIndex,
    ATTESTATION_PATCH_TOO_OLD: oldestPatch(record) < patchBandOf(policy, record.device.model).minPatchLevel,
    ATTESTATION_SECURITY_LEVEL_MISMATCH: key.securityLevel === 'ese' && ctx.securityLevel !== 'ese',
    ATTESTATION_ESE_REQUIRED: policy.withoutEse === 'REFUSE' && !inEse(record, ctx),
    ATTESTATION_KEY_CONFLICT:
      prior !== null &&
      prior.keyThumbprint !== ctx.keyThumbprint &&
      (policy.onKeyChange === 'refuse-new' || !(ctx.replacement ?? NO_WEAKER_KEY)(prior, ctx.securityLevel)),
  };
}

/**
 * Applies the policy to a verified record (seed 000 §Safeguard, §Secure patch level; seed 002 R1,
 * R2, R6). The security level is the one the chain proved (ctx), so a record claiming an eSE under
 * the software-attestation CA is refused. Refused when any check fails; otherwise HIGH for an eSE key on a verified
 * phone at the model's high-tier patch level, STANDARD when the patch level is between the minimum and that,
 * LOW whenever the key is not in an eSE (the eSE is required above the lowest tier). Against the FOTA
 * catalog (002 R6): too far behind the model's current release, or past its end of life, caps the tier
 * at `updates.limitTo` (UPDATE_REQUIRED, MODEL_END_OF_LIFE); a newer release otherwise adds UPDATE_AVAILABLE.
 */
export function assessPosture(record: AttestationRecord, policy: Policy, ctx: PostureContext): Posture {
  const fails = failing(record, policy, ctx);
  const refusals = REFUSAL_ORDER.filter((code) => fails[code]);
  const flags = ctx.prior && ctx.prior.keyThumbprint !== ctx.keyThumbprint ? ['KEY_REPLACED'] : [];
  if (refusals.length) return { tier: 'REFUSED', reasons: [...refusals, ...flags], refusals };

  const lowering: string[] = [];
  if (!inEse(record, ctx)) lowering.push('NO_SECURE_ELEMENT');
  if (oldestPatch(record) < patchBandOf(policy, record.device.model).highTierPatchLevel) lowering.push('PATCH_BEHIND');
  let tier: Tier = lowering.includes('NO_SECURE_ELEMENT') ? 'LOW' : lowering.length ? 'STANDARD' : 'HIGH';
  const u = ctx.update;
  const limits = u?.known
    ? [
        ...(u.patchLevelsBehind > policy.updates.maxPatchLevelsBehind ? ['UPDATE_REQUIRED'] : []),
        ...(u.pastEndOfLife ? ['MODEL_END_OF_LIFE'] : []),
      ]
    : [];
  if (limits.length && RANK[policy.updates.limitTo] < RANK[tier]) tier = policy.updates.limitTo;
  lowering.push(...limits);
  const told = u?.updateAvailable && !limits.includes('UPDATE_REQUIRED') ? ['UPDATE_AVAILABLE'] : [];
  return {
    tier,
    reasons: [...(lowering.length ? lowering : ['ESE_VERIFIED_BOOT_CURRENT_PATCH']), ...told, ...flags],
    refusals: [],
  };
}
