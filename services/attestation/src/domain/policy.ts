import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AttestationRecord } from '../../../../kit/src/attestation-record.js';
import { DfsError } from '../../../../kit/src/errors.js';

/** The attestation policy file's schema (config/attestation-policy.json). */
export const Policy = z.object({
  allowedApplications: z.array(z.object({ packageName: z.string().min(1), signatureDigest: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
  daemonUid: z.number().int().nonnegative(),
  minPatchLevel: z.number().int(),
  highTierPatchLevel: z.number().int(),
  requireVerifiedBoot: z.boolean(),
  requireLocked: z.boolean(),
  refuse: z.object({ rooted: z.boolean(), debug: z.boolean(), emulator: z.boolean(), developerMode: z.boolean() }),
  maxEvidenceAgeSec: z.number().int().positive(),
}).strict();
export type Policy = z.infer<typeof Policy>;

/** Reads and validates the policy file; a bad file stops the service with CONFIG_INVALID. */
export function loadPolicy(file: string): Policy {
  try {
    return Object.freeze(Policy.parse(JSON.parse(readFileSync(file, 'utf8'))));
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `attestation policy ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export type Tier = 'HIGH' | 'STANDARD' | 'LOW';

/** The posture decision: a tier plus the reasons that set it (brief section 4). */
export interface Posture {
  tier: Tier;
  reasons: string[];
}

/**
 * Applies the policy to an attested record (seed 002 R1, R2, R6): refusals throw with the reasons;
 * otherwise the tier is HIGH for an eSE key on a verified, current phone and drops with age of patches.
 */
export function evaluatePolicy(record: AttestationRecord, policy: Policy, now: number): Posture {
  const refused: string[] = [];
  const { key, rootOfTrust, safety, application, patchLevel } = record;
  if (key.exportable || !key.purposes.includes('sign')) refused.push('KEY_PROPERTIES');
  if (key.ownerUid !== policy.daemonUid) refused.push('KEY_OWNER');
  if (policy.requireVerifiedBoot && rootOfTrust.verifiedBootState !== 'verified') refused.push('BOOT_NOT_VERIFIED');
  if (policy.requireLocked && !rootOfTrust.deviceLocked) refused.push('BOOTLOADER_UNLOCKED');
  for (const flag of ['rooted', 'debug', 'emulator', 'developerMode'] as const) {
    if (policy.refuse[flag] && safety[flag]) refused.push(flag.toUpperCase());
  }
  if (!policy.allowedApplications.some((a) => a.packageName === application.packageName && a.signatureDigest === application.signatureDigest)) refused.push('UNKNOWN_APPLICATION');
  const oldestPatch = Math.min(patchLevel.os, patchLevel.vendor, patchLevel.boot);
  if (oldestPatch < policy.minPatchLevel) refused.push('PATCH_LEVEL');
  if (now - record.issuedAt > policy.maxEvidenceAgeSec * 1000) refused.push('EVIDENCE_EXPIRED');
  if (refused.length) throw new DfsError('ATTESTATION_POLICY_REFUSED', refused.join(','));

  const reasons: string[] = [];
  if (key.securityLevel !== 'ese') reasons.push('NO_SECURE_ELEMENT');
  if (oldestPatch < policy.highTierPatchLevel) reasons.push('PATCH_BEHIND');
  const tier: Tier = reasons.includes('NO_SECURE_ELEMENT') ? 'LOW' : reasons.length ? 'STANDARD' : 'HIGH';
  return { tier, reasons: reasons.length ? reasons : ['ESE_VERIFIED_BOOT_CURRENT_PATCH'] };
}
