import { DfsError } from '../../../../kit/src/errors.js';
import type { Integrator } from './integrators.js';

/** The hosts a callback may reach over plain http (a merchant's local receiver in development). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The longest X-Callback-URL accepted. */
export const MAX_CALLBACK_URL = 2048;

/** A URL after WHATWG parsing when it is absolute, https (or http to a loopback host), without userinfo. */
function parseTarget(raw: string): URL | null {
  // eslint-disable-next-line no-control-regex -- refuse what WHATWG parsing would silently strip
  if (raw.length > MAX_CALLBACK_URL || /[\s\x00-\x1f\x7f\\]/.test(raw)) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  const secure = u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
  return secure && !u.username && !u.password ? u : null;
}

/**
 * The origin a registered callback origin names, or null unless it is written exactly as its
 * WHATWG origin (`https://host[:port]`, lower case, no path; `http://` only for a loopback host).
 */
export function registeredOrigin(origin: string): string | null {
  const u = parseTarget(origin);
  return u && u.origin === origin ? u.origin : null;
}

/** The origins an integrator registered for callbacks: its callbackOrigins and its default callbackUrl's. */
export function callbackOriginsOf(integrator: Integrator): string[] {
  const origins = [...(integrator.callbackOrigins ?? [])];
  if (integrator.callbackUrl) origins.push(new URL(integrator.callbackUrl).origin);
  return origins;
}

/**
 * The callback URL to use, normalised, when `raw` is an absolute https URL (http only to a loopback
 * host) without userinfo or fragment, at most 2048 characters, whose origin after WHATWG
 * normalisation (scheme, host, port) is exactly one of `origins`; else CALLBACK_URL_NOT_ALLOWED.
 * Other notations of a host (an IPv4 address as one number, a trailing dot) are compared as
 * normalised, so they match only an origin registered in that same normal form.
 */
export function callbackTarget(raw: string, origins: readonly string[]): string {
  const u = parseTarget(raw);
  if (!u || raw.includes('#') || !origins.includes(u.origin))
    throw new DfsError('CALLBACK_URL_NOT_ALLOWED', 'X-Callback-URL');
  return u.href;
}

/** How a callback target is checked against an integrator's registration: a port, strict by default. */
export type CallbackTargetCheck = (raw: string, integrator: Integrator) => string;

/** The strict default: the URL must fall under the integrator's registered callback origins. */
export const CALLBACK_TARGET_CHECK: CallbackTargetCheck = (raw, integrator) =>
  callbackTarget(raw, callbackOriginsOf(integrator));
