import { z } from 'zod';
import { DfsError } from '../../../kit/src/errors.js';

/** App types of seed 001 §Trusted and Untrusted Apps, most trusted first. */
export const APP_TYPES = ['certified', 'privileged', 'web'] as const;
export type AppType = (typeof APP_TYPES)[number];

/** Default CSPs per app type (seed 003 §Content Security Policy); hosted web apps get none from the system. */
export const DEFAULT_CSP: Readonly<Record<AppType, string | undefined>> = {
  certified:
    "default-src * data: blob:; script-src 'self' app://; object-src 'none'; style-src 'self' 'unsafe-inline' app://",
  privileged: "default-src * data: blob:; script-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'",
  web: undefined,
};

const Permission = z
  .object({
    description: z.string().min(1).max(500),
    access: z.enum(['read', 'readwrite', 'readcreate', 'createonly']).optional(),
  })
  .strict();

/** The security settings of an app manifest (seed 001 §Security Settings in the App Manifest). */
export const AppManifest = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/),
    name: z.string().min(1).max(64),
    type: z.enum(APP_TYPES),
    version: z.number().int().nonnegative(),
    permissions: z.record(z.string().min(1).max(64), Permission).default({}),
    csp: z.string().max(1000).optional(),
  })
  .strict();
export type AppManifest = z.infer<typeof AppManifest>;
export type PermissionRequest = z.infer<typeof Permission>;

/** Validates a manifest: every permission needs a description, access takes only the four seed values. */
export function parseManifest(raw: unknown): AppManifest {
  const parsed = AppManifest.safeParse(raw);
  if (!parsed.success) throw new DfsError('INVALID_ARGUMENT', 'manifest');
  return parsed.data;
}

/**
 * The CSPs enforced on the app's pages: the type's default plus the app's own, both applied, so an
 * app's `csp` can only make things stricter (seed 003).
 */
export function effectiveCsp(m: AppManifest): string[] {
  return [DEFAULT_CSP[m.type], m.csp].filter((p): p is string => Boolean(p));
}

/** True when `type` is at least as trusted as `min`. */
export function atLeast(type: AppType, min: AppType): boolean {
  return APP_TYPES.indexOf(type) <= APP_TYPES.indexOf(min);
}
