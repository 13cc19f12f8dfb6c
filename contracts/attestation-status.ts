import { z } from 'zod';
import { signedContract } from './signed.js';

/**
 * The attestation status list, shaped like the one Google publishes for leaked Android attestation
 * keys: lower-case hex certificate serials (attested leaves or whole batch CAs) with their status.
 */
export const AttestationStatusList = z
  .object({
    issuedAtMs: z.number().int().nonnegative(),
    entries: z.record(
      z.string().regex(/^[0-9a-f]{1,40}$/),
      z.object({ status: z.enum(['REVOKED', 'SUSPENDED']), reason: z.string().max(64).optional() }).strict(),
    ),
  })
  .strict();
export type AttestationStatusList = z.infer<typeof AttestationStatusList>;

/** The status list, signed by the OEM's attestation root key (docs/ATTESTATION.md). */
export const ATTESTATION_STATUS_LIST = signedContract('dfs-attestation-status+jws', 1, AttestationStatusList);
