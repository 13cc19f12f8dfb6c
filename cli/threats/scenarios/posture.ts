import { expectRefusal } from '../play.js';
import type { Recommendation, Scenario } from '../types.js';

function postureScenario(id: string, profile: string, title: string, code: string, story: string, recs: Recommendation[], seed: string): Scenario {
  return {
    id, title, recommendations: recs, masvs: 'MASVS-RESILIENCE-1', seed, story, expected: code,
    action: `enroll a payment daemon from a phone built as "${profile}"`,
    control: 'attestation policy on eSE-signed evidence (safeguard verdict, root of trust, patch level, rollback index)',
    async run(ctx) {
      const phone = await ctx.world.phone(profile);
      ctx.say(`phone "${profile}" powered on: boot ${phone.boot.state}; the eSE signs what safeguard and boot recorded`);
      return expectRefusal(() => phone.daemon.enroll(ctx.world.newId('wallet')), [code], [`enroll from a ${profile} phone`]);
    },
  };
}

/** Rogue and stale devices (seed 002 §4.2, §4.4): refused at enrollment from what the eSE attested. */
export const postureScenarios: Scenario[] = [
  postureScenario('rooted-phone', 'rooted', 'Rooted phone', 'ATTESTATION_DEVICE_ROOTED',
    'KaiOS phones can be rooted through debug features, and KaiOS has no root-detection API (002 §4.2). Here safeguard records the root state in the eSE at power-on, the eSE signs it into the attestation, and the backend refuses the phone: a payment app never runs on a rooted phone.', ['R2'], '000 §Safeguard; 002 §4.2'),
  postureScenario('emulator', 'emulator', 'Emulator posing as a phone', 'ATTESTATION_EMULATOR',
    'Fraud farms run payment apps in emulators. Safeguard detects the emulator at power-on and attestation refuses it.', ['R2'], '000 §Safeguard'),
  postureScenario('debug-enabled', 'debug', 'Debug (adb) enabled', 'ATTESTATION_DEBUG_ENABLED',
    'A debug bridge is the usual door to rooting a KaiOS phone (002 §4.2). A userdebug build with adb on is refused.', ['R2'], '000 §Safeguard; 002 §4.2'),
  postureScenario('developer-mode', 'dev-mode', 'Developer mode on', 'ATTESTATION_DEVELOPER_MODE',
    'Developer mode is off in commercial builds (000 §Safeguard); a phone reporting it on is refused.', ['R2'], '000 §Safeguard'),
  postureScenario('outdated-patch', 'outdated-patch', 'Phone with an outdated security patch', 'ATTESTATION_PATCH_TOO_OLD',
    'Cheap phones rarely get patches (002 §4.4, R6). The attested patch level is below the policy minimum, so the phone is refused (phones slightly behind get a lower tier instead).', ['R6'], '000 §Secure patch level; 002 R6'),
  postureScenario('rolled-back-firmware', 'rolled-back', 'Firmware rolled back to an older version', 'ATTESTATION_BOOT_UNVERIFIED',
    'Flashing an old, vulnerable firmware re-opens patched holes. The bootloader compares the image version with the rollback index in the eSE and the phone boots unverified; attestation refuses it.', ['R6', 'R2'], '000 §Kai FOTA, §Trusted boot'),
  postureScenario('tampered-boot', 'tampered-boot', 'Tampered boot stage (kernel implant)', 'ATTESTATION_BOOT_UNVERIFIED',
    'An attacker patches the kernel image. Its signature no longer verifies against the OEM key in eFuse, the boot state is "failed", and attestation refuses the phone.', ['R2'], '000 §Trusted boot'),
];
