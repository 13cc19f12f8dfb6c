import type { AttestationRecord } from '../../kit/src/attestation-record.js';
import type { AccessPolicy, Caller } from './access-policy.js';
import type { PhoneProfile } from './profiles.js';

/** What the safety check inspects at power-on: system properties and a few files, as on Android/Gonk. */
export interface DeviceEnvironment {
  props: Readonly<Record<string, string>>;
  files: readonly string[];
}

type Safety = AttestationRecord['safety'];

const SU_PATHS = ['/system/bin/su', '/system/xbin/su', '/sbin/su'];
const EMULATOR_HARDWARE = new Set(['goldfish', 'ranchu', 'qemu']);

/** The environment a phone of this profile powers on with. */
export function environmentOf(p: PhoneProfile): DeviceEnvironment {
  return {
    props: {
      'ro.build.type': p.buildType,
      'ro.debuggable': p.debug ? '1' : '0',
      'persist.sys.usb.config': p.debug ? 'mtp,adb' : 'mtp',
      'ro.kernel.qemu': p.emulator ? '1' : '0',
      'ro.hardware': p.emulator ? 'ranchu' : 'sc9820e',
      'persist.kaios.devmode': p.developerMode ? '1' : '0',
      'ro.secure': p.rooted ? '0' : '1',
    },
    files: p.rooted ? ['/system/xbin/su'] : [],
  };
}

/**
 * The safeguard safety check run at power-on (seed 000 §Safeguard): root, adb debug, emulator,
 * developer mode and build type, judged from the environment, never from a flag the app side sets.
 */
export function safetyCheck(env: DeviceEnvironment): Safety {
  const prop = (k: string) => env.props[k] ?? '';
  const buildType = prop('ro.build.type');
  return {
    rooted: prop('ro.secure') === '0' || env.files.some((f) => SU_PATHS.includes(f)),
    debug: prop('ro.debuggable') === '1' || prop('persist.sys.usb.config').split(',').includes('adb'),
    emulator: prop('ro.kernel.qemu') === '1' || EMULATOR_HARDWARE.has(prop('ro.hardware')),
    developerMode: prop('persist.kaios.devmode') === '1',
    buildType: buildType === 'user' || buildType === 'userdebug' ? buildType : 'eng',
  };
}

/** True when nothing in the verdict makes the phone unsafe for payments. */
export function isSafe(s: Safety): boolean {
  return !s.rooted && !s.debug && !s.emulator && !s.developerMode && s.buildType === 'user';
}

/** The safeguard API: the power-on verdict, readable by native callers only. */
export class Safeguard {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly verdict: () => Safety,
  ) {}

  /** Whether the device is safe, and why; DEVICE_ACCESS_DENIED for anyone but native callers. */
  check(caller: Caller): { safe: boolean; safety: Safety } {
    this.policy.check(caller, 'safeguard.read');
    const safety = this.verdict();
    return { safe: isSafe(safety), safety };
  }
}
