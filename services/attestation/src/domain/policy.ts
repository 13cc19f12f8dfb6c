import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';

const patchLevel = z.number().int().min(200001).max(299912);
const patchBand = z
  .object({ minPatchLevel: patchLevel, highTierPatchLevel: patchLevel })
  .strict()
  .refine((b) => b.highTierPatchLevel >= b.minPatchLevel, 'highTierPatchLevel must not be below minPatchLevel');

/** The attestation policy file's schema (config/attestation-policy.json, docs/ATTESTATION.md). */
export const Policy = z
  .object({
    version: z.string().min(1).max(64),
    /** Packages that may hold the payment key; who may sign them is the device trust file's (applications). */
    allowedApplications: z.array(z.object({ packageName: z.string().min(1) }).strict()).min(1),
    daemonUid: z.number().int().nonnegative(),
    minPatchLevel: patchLevel,
    highTierPatchLevel: patchLevel,
    /** Per-model patch bands; a model not listed uses the two levels above. */
    models: z.record(z.string().min(1), patchBand).default({}),
    requireVerifiedBoot: z.boolean(),
    requireLocked: z.boolean(),
    refuse: z
      .object({ rooted: z.boolean(), debug: z.boolean(), emulator: z.boolean(), developerMode: z.boolean() })
      .strict(),
    /** A key not held in an eSE gets the lowest tier (`LOW`) or is refused (`REFUSE`). */
    withoutEse: z.enum(['LOW', 'REFUSE']),
    /** The same IMEI with another key: the new key replaces the old one, which is revoked, or is refused. */
    onKeyChange: z.enum(['revoke-old', 'refuse-new']),
    maxEvidenceAgeSec: z.number().int().positive().max(3600),
    /** Payments above this many minor units need an attestation younger than `withinSec` (token claims). */
    reattestation: z
      .object({ aboveMinorUnits: z.number().int().positive(), withinSec: z.number().int().positive().max(3600) })
      .strict(),
    /**
     * Against the model's current release in the FOTA catalog: a phone more than `maxPatchLevelsBehind`
     * monthly patch levels behind it, or on a model past end of life, gets at most `limitTo` and is told to update.
     */
    updates: z
      .object({ maxPatchLevelsBehind: z.number().int().nonnegative().max(120), limitTo: z.enum(['STANDARD', 'LOW']) })
      .strict()
      .default({ maxPatchLevelsBehind: 3, limitTo: 'LOW' }),
    /** Lower-case hex serials of attestation certificates the OEM has revoked. */
    revokedCertificateSerials: z.array(z.string().regex(/^[0-9a-f]{1,40}$/)).default([]),
  })
  .strict()
  .refine((p) => p.highTierPatchLevel >= p.minPatchLevel, 'highTierPatchLevel must not be below minPatchLevel');
export type Policy = z.infer<typeof Policy>;

/** Reads and validates the policy file; a bad file stops the service with CONFIG_INVALID. */
export function loadPolicy(file: string): Policy {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       ATTESTATION_POLICY_FILE, read once at start-up */
    return Object.freeze(Policy.parse(JSON.parse(readFileSync(file, 'utf8'))));
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `attestation policy ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The patch band that applies to a model. */
export function patchBandOf(policy: Policy, model: string): { minPatchLevel: number; highTierPatchLevel: number } {
  return policy.models[model] ?? { minPatchLevel: policy.minPatchLevel, highTierPatchLevel: policy.highTierPatchLevel };
}
