import { PAYMENT_DAEMON } from '../../../device-sim/src/access-policy.js';
import { attestationPolicy } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Recommendation, Scenario } from '../types.js';

function postureScenario(
  id: string,
  profile: string,
  title: string,
  code: string,
  story: string,
  recs: Recommendation[],
  seed: string,
): Scenario {
  return {
    id,
    title,
    label: 'on-device',
    recommendations: recs,
    masvs: 'MASVS-RESILIENCE-1',
    seed,
    story,
    expect: { code, outcome: 'BLOCKED' },
    action: `power on a phone built as "${profile}" and let its payment daemon enroll with the attestation service`,
    control:
      'attestation policy on eSE-signed evidence (safeguard verdict, root of trust, patch level, rollback index)',
    success: 'the phone is enrolled: it gets a device certificate and an attestation token with a posture tier',
    port: attestationPolicy,
    async run(ctx) {
      const phone = await ctx.world.phone(profile);
      const verdict = phone.safeguard.check(PAYMENT_DAEMON);
      ctx.say(
        `phone "${profile}" powered on: boot ${phone.boot.state}; safeguard says ${verdict.safe ? 'safe' : 'unsafe'}`,
      );
      const r = await attempt(() => phone.daemon.enroll(ctx.world.newId('wallet')));
      const evidence = {
        bootState: phone.boot.state,
        safe: verdict.safe,
        rooted: verdict.safety.rooted,
        debug: verdict.safety.debug,
        emulator: verdict.safety.emulator,
        developerMode: verdict.safety.developerMode,
        patchLevel: phone.fota.platform().securityPatchLevel,
        enrolled: r.ok,
        tier: r.ok ? r.value.tier : null,
      };
      return observed(r.code, r.ok, evidence, [
        `power on a ${profile} phone (boot ${phone.boot.state})`,
        'the payment daemon enrolls over gRPC/mTLS',
        r.ok ? `enrolled at tier ${r.value.tier}` : `refused with ${r.code}`,
      ]);
    },
  };
}

/** Rogue and stale devices (seed 002 §4.2, §4.4): refused at enrollment from what the eSE attested. */
export const postureScenarios: Scenario[] = [
  postureScenario(
    'rooted-phone',
    'rooted',
    'Rooted phone',
    'ATTESTATION_DEVICE_ROOTED',
    'KaiOS phones can be rooted through debug features, and KaiOS has no root-detection API (002 ' +
      '§4.2). Here safeguard records the root state in the eSE at power-on, the eSE signs it into the ' +
      'attestation, and the backend refuses the phone: a payment app never runs on a rooted phone.',
    ['R2'],
    '000 §Safeguard; 002 §4.2',
  ),
  postureScenario(
    'emulator',
    'emulator',
    'Emulator posing as a phone',
    'ATTESTATION_EMULATOR',
    'Fraud farms run payment apps in emulators. Safeguard detects the emulator at power-on and attestation refuses it.',
    ['R2'],
    '000 §Safeguard',
  ),
  postureScenario(
    'debug-enabled',
    'debug',
    'Debug (adb) enabled',
    'ATTESTATION_DEBUG_ENABLED',
    'A debug bridge is the usual door to rooting a KaiOS phone (002 §4.2). A userdebug build with adb on is refused.',
    ['R2'],
    '000 §Safeguard; 002 §4.2',
  ),
  postureScenario(
    'developer-mode',
    'dev-mode',
    'Developer mode on',
    'ATTESTATION_DEVELOPER_MODE',
    'Developer mode is off in commercial builds (000 §Safeguard); a phone reporting it on is refused.',
    ['R2'],
    '000 §Safeguard',
  ),
  postureScenario(
    'outdated-patch',
    'outdated-patch',
    'Phone with an outdated security patch',
    'ATTESTATION_PATCH_TOO_OLD',
    'Cheap phones rarely get patches (002 §4.4, R6). The attested patch level is below the ' +
      'policy minimum, so the phone is refused (phones slightly behind get a lower tier instead).',
    ['R6'],
    '000 §Secure patch level; 002 R6',
  ),
  postureScenario(
    'rolled-back-firmware',
    'rolled-back',
    'Firmware rolled back to an older version',
    'ATTESTATION_BOOT_UNVERIFIED',
    'Flashing an old, vulnerable firmware re-opens patched holes. The bootloader compares the image ' +
      'version with the rollback index in the eSE and the phone boots unverified; attestation refuses it.',
    ['R6', 'R2'],
    '000 §Kai FOTA, §Trusted boot',
  ),
  postureScenario(
    'tampered-boot',
    'tampered-boot',
    'Tampered boot stage (kernel implant)',
    'ATTESTATION_BOOT_UNVERIFIED',
    'An attacker patches the kernel image. Its signature no longer verifies against the ' +
      'OEM key in eFuse, the boot state is "failed", and attestation refuses the phone.',
    ['R2'],
    '000 §Trusted boot',
  ),
];
