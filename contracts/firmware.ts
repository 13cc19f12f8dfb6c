import { z } from 'zod';
import { signedContract } from './signed.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What the OEM release key signs for each package: the firmware it installs (model, version, OS
 * version, patch level, rollback index, SHA-256 of the full image set, and the OEM build key's
 * signature over version, patch level and that digest, the firmware manifest attestation records
 * carry) and the package itself (full or differential from one base image, its SHA-256 and size).
 * The running slot keeps it: attestation reports the patch level and build-key signature it names.
 */
export const FotaManifest = z
  .object({
    model: z.string().min(1).max(64),
    version: z.number().int().positive(),
    osVersion: z.string().min(1).max(32),
    patchLevel: z.number().int().min(200001).max(299912),
    rollbackIndex: z.number().int().nonnegative(),
    imageSha256: hex64,
    imageSize: z.number().int().positive(),
    firmwareSignature: z.string().regex(/^[A-Za-z0-9_-]{40,200}$/),
    kind: z.enum(['full', 'diff']),
    baseVersion: z.number().int().positive().optional(),
    baseImageSha256: hex64.optional(),
    packageSha256: hex64,
    packageSize: z.number().int().positive(),
  })
  .strict();
export type FotaManifest = z.infer<typeof FotaManifest>;

/** An OEM-signed FOTA manifest: the firmware manifest a slot boots with, and the package it came in. */
export const FOTA_MANIFEST = signedContract('dfs-fota-manifest+jws', 1, FotaManifest);
