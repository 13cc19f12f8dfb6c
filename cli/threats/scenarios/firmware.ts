import { SYSTEM } from '../../../device-sim/src/access-policy.js';
import { MODEL } from '../../../device-sim/src/oem.js';
import { fotaSignature, rollbackFloor } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';

const FORGED_PATCH = 209912;

/** Where the FOTA service serves one release's full package of the simulated OEM's model. */
export const fullPackagePath = (version: number): string => `/v1/packages/${encodeURIComponent(MODEL)}/${version}/full`;

/** A manifest with one claim rewritten and the OEM's signature left as it was (an edit in transit). */
function rewritten(jws: string, patchLevel: number): string {
  const [header, payload, signature] = jws.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return [header, Buffer.from(JSON.stringify({ ...claims, patchLevel })).toString('base64url'), signature].join('.');
}

async function tamperedPackage(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('outdated-patch');
  const before = { ...phone.fota.status(SYSTEM), patch: phone.fota.platform().securityPatchLevel };
  const next = before.installedVersion + 1;
  const genuine = await ctx.world.oem.release(next);
  const r = await attempt(() =>
    phone.fota.install(SYSTEM, { manifest: rewritten(genuine.manifest, FORGED_PATCH), path: fullPackagePath(next) }),
  );
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
      `an unpatched phone (patch ${before.patch}) is offered the OEM's update to firmware ${next}`,
      `on the way, the patch level in its manifest is rewritten to ${FORGED_PATCH}`,
      r.ok ? `installed; the phone now reports patch ${after.patch}` : `refused with ${r.code}`,
    ],
  );
}

async function flashOld(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const before = phone.fota.status(SYSTEM);
  const older = before.rollbackIndex - 1;
  const old = await ctx.world.oem.release(older);
  const r = await attempt(() => phone.fota.install(SYSTEM, { manifest: old.manifest, path: fullPackagePath(older) }));
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
      `install the OEM's own signed package of firmware ${older} ` +
        `(older than the rollback index ${before.rollbackIndex})`,
      r.ok ? `firmware ${after.installedVersion} installed and booted` : `refused with ${r.code}`,
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
      'rewrite an OEM update package on its way to the phone so ' +
      'that an unpatched phone reports a current security patch',
    control:
      'FOTA: the manifest (patch level included) must verify under the OEM release key the phone was provisioned with',
    success: 'the phone installs the package and reports the forged patch level',
    port: fotaSignature,
    story:
      'The patch level a phone reports decides its posture tier (R6). An attacker who can edit ' +
      'an update package in transit could make an unpatched phone look current. The OEM signs ' +
      'the whole package, patch level included, and FOTA refuses anything that does not verify.',
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
    action:
      "install the OEM's genuine but older signed firmware package, as a flash tool or a rogue update server offers it",
    control:
      'anti-rollback: nothing older than the running firmware or ' +
      'below the rollback index kept in the eSE installs or boots',
    success: 'the older, vulnerable firmware is installed',
    port: rollbackFloor,
    story:
      'Old firmware is genuine and signed, and it still has the holes later versions fixed. The flash ' +
      'path compares the image version with the rollback index held in the eSE and refuses anything older.',
    run: flashOld,
  },
];
