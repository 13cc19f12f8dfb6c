import { DfsError } from '../../../../kit/src/errors.js';
import type { FotaCatalog } from '../../../../kit/src/fota-catalog.js';
import type { BuiltPackage, BuiltRelease } from '../../../../device-sim/src/firmware.js';

/** One package as the check-for-update answer describes it. */
export interface PackageOffer {
  manifest: string;
  size: number;
  path: string;
}

/** The check-for-update answer: the newest release of the model, if newer than what the phone runs. */
export interface UpdateOffer {
  catalogVersion: string;
  update: null | {
    version: number;
    osVersion: string;
    patchLevel: number;
    rollbackIndex: number;
    notes: string;
    endOfLife: string;
    full: PackageOffer;
    differential?: PackageOffer & { baseVersion: number };
  };
}

/** The packages of the catalog, indexed by model and version. */
export class ReleaseIndex {
  readonly #byModel = new Map<string, Map<number, BuiltRelease>>();

  constructor(
    readonly catalog: FotaCatalog,
    built: BuiltRelease[],
  ) {
    for (const b of built) {
      const m = this.#byModel.get(b.model) ?? new Map<number, BuiltRelease>();
      m.set(b.release.version, b);
      this.#byModel.set(b.model, m);
    }
  }

  /**
   * The update for a phone of `model` running `version`: the newest release
   * when it is newer, with a differential from `version` when one is built.
   */
  check(model: string, version: number): UpdateOffer {
    const entry = this.catalog.models[model];
    const newest = entry?.releases.at(-1);
    if (!entry || !newest || newest.version <= version) return { catalogVersion: this.catalog.version, update: null };
    const built = this.#byModel.get(model)!.get(newest.version)!;
    const base = `/v1/packages/${encodeURIComponent(model)}/${newest.version}`;
    const diff = built.diffs.get(version);
    return {
      catalogVersion: this.catalog.version,
      update: {
        version: newest.version,
        osVersion: newest.osVersion,
        patchLevel: newest.patchLevel,
        rollbackIndex: newest.rollbackIndex,
        notes: newest.notes,
        endOfLife: entry.endOfLife,
        full: { manifest: built.full.manifest, size: built.full.bytes.length, path: `${base}/full` },
        ...(diff
          ? {
              differential: {
                manifest: diff.manifest,
                size: diff.bytes.length,
                path: `${base}/diff/${version}`,
                baseVersion: version,
              },
            }
          : {}),
      },
    };
  }

  /** One package's manifest and bytes (`base` selects a differential); unknown ones are FOTA_RELEASE_NOT_FOUND. */
  package(model: string, version: number, base?: number): BuiltPackage {
    const built = this.#byModel.get(model)?.get(version);
    const pkg = base === undefined ? built?.full : built?.diffs.get(base);
    if (!pkg) throw new DfsError('FOTA_RELEASE_NOT_FOUND');
    return pkg;
  }
}

/** Parses a `Range: bytes=start-[end]` header against a body of `size` bytes; undefined means the whole body. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d{1,12})-(\d{0,12})$/.exec(header.trim());
  if (!m) throw new DfsError('INVALID_ARGUMENT', 'Range');
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  if (start >= size || end < start) throw new DfsError('INVALID_ARGUMENT', 'Range not satisfiable');
  return { start, end };
}
