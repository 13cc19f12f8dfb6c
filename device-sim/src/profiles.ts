import type { BootStage } from './boot.js';

/** A phone as built for a demo or test: which security features it has and what is wrong with it. */
export interface PhoneProfile {
  name: string;
  ese: boolean;
  buildType: 'user' | 'userdebug';
  rooted: boolean;
  debug: boolean;
  emulator: boolean;
  developerMode: boolean;
  /** The catalog release the factory flashed (config/fota-catalog.json); its signed manifest sets the patch level. */
  firmwareVersion: number;
  /** A boot stage whose image was modified after signing. */
  tamperedStage?: BootStage;
  /** Flashed with an older firmware than the rollback index allows. */
  rolledBack: boolean;
}

/**
 * The current security patch level of the simulated platform (seed
 * 000 §Secure patch level): release 3 in config/fota-catalog.json.
 */
export const CURRENT_PATCH = 202610;

const secure: PhoneProfile = {
  name: 'secure',
  ese: true,
  buildType: 'user',
  rooted: false,
  debug: false,
  emulator: false,
  developerMode: false,
  firmwareVersion: 3,
  rolledBack: false,
};

/** The named configurations used by demos, tests and threat scenarios. */
export const PROFILES: Record<string, PhoneProfile> = {
  secure,
  'no-ese': { ...secure, name: 'no-ese', ese: false },
  rooted: { ...secure, name: 'rooted', rooted: true },
  emulator: { ...secure, name: 'emulator', emulator: true },
  debug: { ...secure, name: 'debug', debug: true, buildType: 'userdebug' },
  'dev-mode': { ...secure, name: 'dev-mode', developerMode: true },
  'outdated-patch': { ...secure, name: 'outdated-patch', firmwareVersion: 1 },
  'old-release': { ...secure, name: 'old-release', firmwareVersion: 2 },
  'rolled-back': { ...secure, name: 'rolled-back', rolledBack: true },
  'tampered-boot': { ...secure, name: 'tampered-boot', tamperedStage: 'kernel' },
};

/** Looks up a named profile; unknown names list the valid ones. */
export function profile(name: string): PhoneProfile {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown phone profile "${name}" (one of: ${Object.keys(PROFILES).join(', ')})`);
  return p;
}
