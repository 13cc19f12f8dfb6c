import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DfsError } from './errors.js';

const patchLevel = z.number().int().min(200001).max(299912);

/** One OEM release of a model: what the FOTA service serves and the backend compares phones with. */
export const Release = z
  .object({
    version: z.number().int().positive(),
    osVersion: z
      .string()
      .max(32)
      .refine(
        (v) => v.split('.').length <= 4 && v.split('.').every((p) => /^\d{1,6}$/.test(p)),
        'dotted numeric version',
      ),
    patchLevel,
    rollbackIndex: z.number().int().nonnegative(),
    /** Base versions a differential package is built from. */
    differentialFrom: z.array(z.number().int().positive()).default([]),
    notes: z.string().max(500).default(''),
  })
  .strict();
export type Release = z.infer<typeof Release>;

const Model = z
  .object({
    /** ISO date after which the OEM ships no more updates for the model. */
    endOfLife: z.iso.date(),
    releases: z.array(Release).min(1),
  })
  .strict()
  .refine(
    (m) =>
      m.releases.every(
        (r, i) =>
          i === 0 ||
          (r.version > m.releases[i - 1]!.version &&
            r.rollbackIndex >= m.releases[i - 1]!.rollbackIndex &&
            r.patchLevel >= m.releases[i - 1]!.patchLevel),
      ),
    'releases must be listed oldest first, with rising version, rollback index and patch level',
  )
  .refine(
    (m) =>
      m.releases.every((r) =>
        r.differentialFrom.every((b) => b < r.version && m.releases.some((o) => o.version === b)),
      ),
    'differentialFrom must name older releases of the model',
  );

/** The OEM release catalog (config/fota-catalog.json, docs/DEVICE.md §Updates): releases per model, as data. */
export const FotaCatalog = z
  .object({ version: z.string().min(1).max(64), models: z.record(z.string().min(1).max(64), Model) })
  .strict();
export type FotaCatalog = z.infer<typeof FotaCatalog>;

/** Reads and validates the catalog; a bad file stops the service with CONFIG_INVALID. */
export function loadCatalog(file: string): FotaCatalog {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the catalog path is a configuration variable, read once at start-up */
    return Object.freeze(FotaCatalog.parse(JSON.parse(readFileSync(file, 'utf8'))));
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `FOTA catalog ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The newest release of a model, or undefined for a model the catalog does not know. */
export function currentRelease(catalog: FotaCatalog, model: string): Release | undefined {
  return catalog.models[model]?.releases.at(-1);
}

/** Monthly patch levels between two YYYYMM values (`to` minus `from`, never negative). */
export function patchMonthsBehind(from: number, to: number): number {
  const months = (p: number) => Math.floor(p / 100) * 12 + (p % 100);
  return Math.max(0, months(to) - months(from));
}

/** Where a phone stands against its model's current release (what attestation and operators see). */
export interface UpdateState {
  model: string;
  known: boolean;
  currentVersion?: number;
  currentPatchLevel?: number;
  patchLevelsBehind: number;
  updateAvailable: boolean;
  endOfLife?: string;
  pastEndOfLife: boolean;
}

/** Compares an attested patch level and rollback index with the catalog's current release of the model. */
export function updateState(
  catalog: FotaCatalog,
  model: string,
  patchLevel: number,
  rollbackIndex: number,
  now: number,
): UpdateState {
  const entry = catalog.models[model];
  const current = entry?.releases.at(-1);
  if (!entry || !current)
    return { model, known: false, patchLevelsBehind: 0, updateAvailable: false, pastEndOfLife: false };
  return {
    model,
    known: true,
    currentVersion: current.version,
    currentPatchLevel: current.patchLevel,
    patchLevelsBehind: patchMonthsBehind(patchLevel, current.patchLevel),
    updateAvailable: current.rollbackIndex > rollbackIndex || current.patchLevel > patchLevel,
    endOfLife: entry.endOfLife,
    pastEndOfLife: now > Date.parse(`${entry.endOfLife}T23:59:59.999Z`),
  };
}
