import { z } from 'zod';
import { signedContract } from './signed.js';

/** Proof of possession by the attested key: binds the challenge, the TLS key and the wallet (brief §3.3). */
export const EnrollmentProof = z
  .object({
    challengeId: z.string(),
    tlsKeySha256: z.string(),
    accountId: z.string(),
  })
  .strict();
export type EnrollmentProof = z.infer<typeof EnrollmentProof>;

/** An enrollment proof signed by the attested payment key. */
export const ENROLLMENT_PROOF = signedContract('dfs-enroll+jws', 1, EnrollmentProof);
