import { SYSTEM } from '../../../device-sim/src/access-policy.js';
import { fotaSignature, rollbackFloor } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';

const FORGED_PATCH = 209912;

async function tamperedPackage(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('outdated-patch');
  const before = { ...phone.fota.status(SYSTEM), patch: phone.fota.platform().securityPatchLevel };
  const genuine = await ctx.world.oem.buildUpdate(before.installedVersion + 1, before.patch);
  const tampered = { ...genuine, patchLevel: FORGED_PATCH };
  const r = await attempt(() => phone.fota.applyUpdate(SYSTEM, tampered));
  const after = { ...phone.fota.status(SYSTEM), patch: phone.fota.platform().securityPatchLevel };
  return observed(
    r.code,
    after.patch === FORGED_PATCH,
    {
      patchBefore: before.patch,
      patchAfter: after.patch,
      installedBefore: before.installedVersion,
      installedAfter: after.installedVersion,
    },
    [
      `an unpatched phone (patch ${before.patch}) downloads the OEM's update package`,
      `on the way, its patch level is rewritten to ${FORGED_PATCH}`,
      r.ok ? `installed; the phone now reports patch ${after.patch}` : `refused with ${r.code}`,
    ],
  );
}

async function flashOld(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const before = phone.fota.status(SYSTEM);
  const old = await ctx.world.oem.buildUpdate(before.rollbackIndex - 1, phone.fota.platform().securityPatchLevel);
  const r = await attempt(() => phone.fota.flash(old.images, old.patchLevel));
  const after = phone.fota.status(SYSTEM);
  return observed(
    r.code,
    after.installedVersion < before.rollbackIndex,
    {
      rollbackIndex: before.rollbackIndex,
      installedBefore: before.installedVersion,
      installedAfter: after.installedVersion,
    },
    [
      `with a USB flash tool, flash the OEM's own signed images of firmware ${before.rollbackIndex - 1} (older than the rollback index ${before.rollbackIndex})`,
      r.ok ? `firmware ${after.installedVersion} installed` : `refused with ${r.code}`,
    ],
  );
}

/** Attacks on the firmware update paths (seed 000 §Kai FOTA, §Trusted boot; R6). */
export const firmwareScenarios: Scenario[] = [
  {
    id: 'tampered-fota-package',
    label: 'remote',
    expect: { code: 'FOTA_SIGNATURE_INVALID', outcome: 'BLOCKED' },
    title: 'Tampered firmware update package',
    recommendations: ['R6', 'R7'],
    masvs: 'MASVS-CODE-1, MASVS-RESILIENCE-2',
    seed: '000 §Kai FOTA',
    action:
      'rewrite an OEM update package on its way to the phone so that an unpatched phone reports a current security patch',
    control: 'FOTA: the whole package is verified against the OEM key whose hash is in eFuse',
    success: 'the phone installs the package and reports the forged patch level',
    port: fotaSignature,
    story:
      'The patch level a phone reports decides its posture tier (R6). An attacker who can edit an update package in transit could make an unpatched phone look current. The OEM signs the whole package, patch level included, and FOTA refuses anything that does not verify.',
    run: tamperedPackage,
  },
  {
    id: 'flash-tool-rollback',
    label: 'on-device',
    expect: { code: 'FOTA_ROLLBACK_REFUSED', outcome: 'BLOCKED' },
    title: 'Old firmware flashed over USB',
    recommendations: ['R6', 'R2'],
    masvs: 'MASVS-RESILIENCE-2',
    seed: '000 §Kai FOTA, §Trusted boot',
    action: "flash the OEM's genuine but older firmware images with a USB flash tool",
    control: 'anti-rollback: nothing below the rollback index kept in the eSE is installed',
    success: 'the older, vulnerable firmware is installed',
    port: rollbackFloor,
    story:
      'Old firmware is genuine and signed, and it still has the holes later versions fixed. The flash path compares the image version with the rollback index held in the eSE and refuses anything older.',
    run: flashOld,
  },
];
