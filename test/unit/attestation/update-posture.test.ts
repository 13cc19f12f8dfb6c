import { describe, expect, it } from 'vitest';
import { FotaCatalog, loadCatalog, patchMonthsBehind, updateState } from '../../../kit/src/fota-catalog.js';
import { loadPolicy } from '../../../services/attestation/src/domain/policy.js';
import { assessPosture } from '../../../services/attestation/src/domain/posture.js';
import { goodRecord, unitTrust, useFacts } from './support/evidence.js';

const policy = loadPolicy('config/attestation-policy.json');
const catalog = loadCatalog('config/fota-catalog.json');
const unit = await unitTrust();
useFacts(unit.facts);
const NOW = Date.parse('2026-12-03T00:00:00Z');
const JKT = 'k'.repeat(43);

function assess(patch: number, rollbackIndex: number, cat = catalog, now = NOW) {
  const record = goodRecord(
    'n'.repeat(43),
    (r) => {
      r.patchLevel = { os: patch, vendor: patch, boot: patch };
      r.firmware = { ...r.firmware!, version: rollbackIndex, patchLevel: patch };
      r.rollbackIndex = rollbackIndex;
    },
    now,
  );
  return assessPosture(record, policy, {
    now,
    prior: null,
    keyThumbprint: JKT,
    securityLevel: 'ese',
    trust: unit.trust,
    firmwareSigned: true,
    update: updateState(cat, record.device.model, patch, rollbackIndex, now),
  });
}

describe('the current release per model limits phones that fell behind (002 R6; docs/ATTESTATION.md §Updates)', () => {
  it('counts monthly patch levels across years', () => {
    expect([
      patchMonthsBehind(202604, 202610),
      patchMonthsBehind(202511, 202602),
      patchMonthsBehind(202610, 202604),
    ]).toEqual([6, 3, 0]);
  });

  it('current release: HIGH, nothing to tell', () => {
    expect(assess(202610, 3)).toMatchObject({ tier: 'HIGH', reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH'] });
  });

  it('within maxPatchLevelsBehind: the patch band decides, and the phone is told an update exists', () => {
    expect(assess(202607, 2)).toMatchObject({
      tier: 'HIGH',
      reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH', 'UPDATE_AVAILABLE'],
    });
  });

  it('more than maxPatchLevelsBehind behind: capped at updates.limitTo with UPDATE_REQUIRED', () => {
    expect(assess(202604, 2)).toMatchObject({ tier: 'LOW', reasons: ['PATCH_BEHIND', 'UPDATE_REQUIRED'] });
    expect(
      assessPosture(
        goodRecord(
          'n'.repeat(43),
          (r) => {
            r.patchLevel = { os: 202604, vendor: 202604, boot: 202604 };
            r.firmware = { ...r.firmware!, version: 2, patchLevel: 202604 };
          },
          NOW,
        ),
        { ...policy, updates: { maxPatchLevelsBehind: 6, limitTo: 'LOW' } },
        {
          now: NOW,
          prior: null,
          keyThumbprint: JKT,
          securityLevel: 'ese',
          trust: unit.trust,
          firmwareSigned: true,
          update: updateState(catalog, 'KaiPhone 4G', 202604, 2, NOW),
        },
      ).tier,
    ).toBe('STANDARD');
  });

  it('a model past end of life is capped whatever its patch level; a model the catalog does not know is not', () => {
    const eol = FotaCatalog.parse({
      ...catalog,
      models: { 'KaiPhone 4G': { ...catalog.models['KaiPhone 4G']!, endOfLife: '2026-06-30' } },
    });
    expect(assess(202610, 3, eol)).toMatchObject({ tier: 'LOW', reasons: ['MODEL_END_OF_LIFE'] });
    expect(assess(202610, 3, FotaCatalog.parse({ version: 'x', models: {} }))).toMatchObject({ tier: 'HIGH' });
  });

  it('refuses a catalog whose releases go backwards', () => {
    const bad = {
      version: 'x',
      models: {
        M: {
          endOfLife: '2030-01-01',
          releases: [
            { version: 2, osVersion: '1.2', patchLevel: 202601, rollbackIndex: 2 },
            { version: 1, osVersion: '1.1', patchLevel: 202501, rollbackIndex: 1 },
          ],
        },
      },
    };
    expect(FotaCatalog.safeParse(bad).success).toBe(false);
  });
});
