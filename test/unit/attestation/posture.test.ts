import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttestationRecord } from '../../../kit/src/attestation-record.js';
import { DfsError } from '../../../kit/src/errors.js';
import { loadPolicy, type Policy } from '../../../services/attestation/src/domain/policy.js';
import { assessPosture, REFUSAL_ORDER } from '../../../services/attestation/src/domain/posture.js';
import type { DeviceRecord } from '../../../services/attestation/src/store/ports.js';
import { goodRecord, unitTrust, useFacts } from './support/evidence.js';

const policy = loadPolicy('config/attestation-policy.json');
const unit = await unitTrust();
useFacts(unit.facts);
const NOW = 1_800_000_000_000;
const JKT = 'k'.repeat(43);

function prior(over: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId: 'dev-00000000000000000000',
    imei: '350000000000000',
    model: 'KaiPhone 4G',
    serial: 'S',
    keyThumbprint: JKT,
    revokedKeyThumbprints: [],
    accountId: 'w',
    tier: 'HIGH',
    reasons: [],
    securityLevel: 'ese',
    patchLevel: 202610,
    highestRollbackIndex: 3,
    status: 'ACTIVE',
    policyVersion: 'p',
    firstEnrolledAtMs: NOW - 1000,
    lastAttestedAtMs: NOW - 1000,
    ...over,
  };
}

function assess(
  edit: (r: AttestationRecord) => void,
  opts: {
    policy?: Policy;
    prior?: DeviceRecord | null;
    jkt?: string;
    level?: 'ese' | 'software';
    unsigned?: boolean;
  } = {},
) {
  return assessPosture(goodRecord('n'.repeat(43), edit, NOW), opts.policy ?? policy, {
    now: NOW,
    prior: opts.prior ?? null,
    keyThumbprint: opts.jkt ?? JKT,
    securityLevel: opts.level ?? 'ese',
    trust: unit.trust,
    firmwareSigned: !opts.unsigned,
  });
}

describe('attestation policy: one stable code per refusal', () => {
  const cases: [
    string,
    (r: AttestationRecord) => void,
    { prior?: DeviceRecord; jkt?: string; policy?: Policy; level?: 'ese' | 'software'; unsigned?: boolean }?,
  ][] = [
    ['ATTESTATION_DEVICE_REVOKED', () => {}, { prior: prior({ status: 'REVOKED' }) }],
    [
      'ATTESTATION_KEY_REVOKED',
      () => {},
      { prior: prior({ keyThumbprint: 'x'.repeat(43), revokedKeyThumbprints: [JKT] }) },
    ],
    [
      'ATTESTATION_EVIDENCE_EXPIRED',
      (r) => {
        r.issuedAt = NOW - (policy.maxEvidenceAgeSec + 1) * 1000;
      },
    ],
    [
      'ATTESTATION_KEY_EXPORTABLE',
      (r) => {
        r.key.exportable = true;
      },
    ],
    [
      'ATTESTATION_KEY_PROPERTIES',
      (r) => {
        r.key.purposes = ['verify'];
      },
    ],
    [
      'ATTESTATION_KEY_OWNER',
      (r) => {
        r.key.ownerUid = 10042;
      },
    ],
    [
      'ATTESTATION_UNKNOWN_APPLICATION',
      (r) => {
        r.application.packageName = 'com.evil.wallet';
      },
    ],
    [
      'ATTESTATION_APP_SIGNER_MISMATCH',
      (r) => {
        r.application.signatureDigest = 'b'.repeat(64);
      },
    ],
    [
      'ATTESTATION_DEVICE_ROOTED',
      (r) => {
        r.safety.rooted = true;
      },
    ],
    [
      'ATTESTATION_EMULATOR',
      (r) => {
        r.safety.emulator = true;
      },
    ],
    [
      'ATTESTATION_DEBUG_ENABLED',
      (r) => {
        r.safety.debug = true;
      },
    ],
    [
      'ATTESTATION_DEVELOPER_MODE',
      (r) => {
        r.safety.developerMode = true;
      },
    ],
    [
      'ATTESTATION_BOOT_UNVERIFIED',
      (r) => {
        r.rootOfTrust.verifiedBootState = 'unverified';
      },
    ],
    [
      'ATTESTATION_BOOTLOADER_UNLOCKED',
      (r) => {
        r.rootOfTrust.deviceLocked = false;
      },
    ],
    [
      'ATTESTATION_BOOT_KEY_UNKNOWN',
      (r) => {
        r.rootOfTrust.verifiedBootKeyHash = 'a'.repeat(64);
      },
    ],
    ['ATTESTATION_FIRMWARE_UNSIGNED', () => {}, { unsigned: true }],
    [
      'ATTESTATION_PATCH_LEVEL_MISMATCH',
      (r) => {
        r.patchLevel.os = 202611;
      },
    ],
    [
      'ATTESTATION_ROLLBACK',
      (r) => {
        r.rollbackIndex = 2;
      },
      { prior: prior({ highestRollbackIndex: 3 }) },
    ],
    [
      'ATTESTATION_PATCH_TOO_OLD',
      (r) => {
        r.patchLevel.vendor = 202301;
      },
    ],
    ['ATTESTATION_SECURITY_LEVEL_MISMATCH', () => {}, { level: 'software' }],
    [
      'ATTESTATION_ESE_REQUIRED',
      (r) => {
        r.key.securityLevel = 'software';
      },
      { policy: { ...policy, withoutEse: 'REFUSE' }, level: 'software' },
    ],
    [
      'ATTESTATION_KEY_CONFLICT',
      () => {},
      { prior: prior({ keyThumbprint: 'x'.repeat(43) }), policy: { ...policy, onKeyChange: 'refuse-new' } },
    ],
  ];

  it.each(cases)('%s', (code, edit, opts) => {
    const p = assess(edit, opts ?? {});
    expect(p.tier).toBe('REFUSED');
    expect(p.refusals).toEqual([code]);
  });

  it('covers every code of the documented check order', () => {
    expect(cases.map((c) => c[0])).toEqual([...REFUSAL_ORDER]);
  });

  it('reports the first failing check as the code and keeps every reason', () => {
    const p = assess((r) => {
      r.patchLevel.os = 202301;
      r.safety.rooted = true;
      r.key.exportable = true;
      r.rootOfTrust.deviceLocked = false;
    });
    expect(p.refusals).toEqual([
      'ATTESTATION_KEY_EXPORTABLE',
      'ATTESTATION_DEVICE_ROOTED',
      'ATTESTATION_BOOTLOADER_UNLOCKED',
      'ATTESTATION_PATCH_LEVEL_MISMATCH',
      'ATTESTATION_PATCH_TOO_OLD',
    ]);
  });

  it('does not refuse what the policy does not ask to refuse', () => {
    const lenient: Policy = { ...policy, requireLocked: false, refuse: { ...policy.refuse, debug: false } };
    expect(
      assess(
        (r) => {
          r.safety.debug = true;
          r.rootOfTrust.deviceLocked = false;
        },
        { policy: lenient },
      ).tier,
    ).toBe('HIGH');
  });

  it('refuses evidence dated in the future beyond clock skew (ATTESTATION_EVIDENCE_EXPIRED)', () => {
    expect(
      assess((r) => {
        r.issuedAt = NOW + 120_000;
      }).refusals,
    ).toEqual(['ATTESTATION_EVIDENCE_EXPIRED']);
  });
});

describe('posture tiers (brief §4)', () => {
  it('HIGH: eSE key, verified and locked boot, patch at the high-tier level', () => {
    expect(assess(() => {})).toMatchObject({ tier: 'HIGH', reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH'] });
  });

  it('STANDARD: patch level at or above the minimum but below the high-tier level', () => {
    expect(
      assess((r) => {
        r.patchLevel.boot = policy.highTierPatchLevel - 1;
      }),
    ).toMatchObject({ tier: 'STANDARD', reasons: ['PATCH_BEHIND'] });
    expect(
      assess((r) => {
        r.patchLevel = { os: policy.minPatchLevel, vendor: policy.minPatchLevel, boot: policy.minPatchLevel };
        r.firmware!.patchLevel = policy.minPatchLevel;
      }).tier,
    ).toBe('STANDARD');
  });

  it('LOW: a key outside an eSE never gets above the lowest tier, whatever its patch level', () => {
    expect(
      assess(
        (r) => {
          r.key.securityLevel = 'software';
        },
        { level: 'software' },
      ),
    ).toMatchObject({ tier: 'LOW', reasons: ['NO_SECURE_ELEMENT'] });
    expect(
      assess(
        (r) => {
          r.key.securityLevel = 'software';
          r.patchLevel.os = 202501;
          r.firmware!.patchLevel = 202501;
        },
        { level: 'software' },
      ),
    ).toMatchObject({ tier: 'LOW', reasons: ['NO_SECURE_ELEMENT', 'PATCH_BEHIND'] });
  });

  it(
    'the level the chain proved decides, not the record: a record claiming an eSE under ' +
      'a software chain is refused, one claiming software under an eSE chain stays LOW',
    () => {
      expect(assess(() => {}, { level: 'software' }).refusals).toEqual(['ATTESTATION_SECURITY_LEVEL_MISMATCH']);
      expect(
        assess(
          (r) => {
            r.key.securityLevel = 'software';
          },
          { level: 'ese' },
        ).tier,
      ).toBe('LOW');
    },
  );

  it('uses the per-model patch band when the model is listed', () => {
    const strict: Policy = {
      ...policy,
      models: { 'KaiPhone 4G': { minPatchLevel: 202611, highTierPatchLevel: 202612 } },
    };
    expect(assess(() => {}, { policy: strict }).refusals).toEqual(['ATTESTATION_PATCH_TOO_OLD']);
    expect(
      assess(
        (r) => {
          r.device.model = 'Other 3G';
        },
        { policy: strict },
      ).tier,
    ).toBe('HIGH');
  });

  it('flags a key change of the same IMEI (revoke-old) without lowering the tier', () => {
    expect(assess(() => {}, { prior: prior({ keyThumbprint: 'x'.repeat(43) }) })).toMatchObject({
      tier: 'HIGH',
      reasons: ['ESE_VERIFIED_BOOT_CURRENT_PATCH', 'KEY_REPLACED'],
    });
  });
});

describe('policy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-policy-'));
  const write = (p: unknown) => {
    const f = join(dir, `${Math.random()}.json`);
    writeFileSync(f, JSON.stringify(p));
    return f;
  };
  const raw = () => structuredClone(policy) as Record<string, unknown>;
  const codeOfLoad = (f: string) => {
    try {
      loadPolicy(f);
      return 'LOADED';
    } catch (err) {
      return err instanceof DfsError ? err.code : 'OTHER';
    }
  };

  it('the shipped policy loads, and refuses outdated-patch phones (202301 < minPatchLevel)', () => {
    expect(policy.minPatchLevel).toBeGreaterThan(202301);
    expect(
      assess((r) => {
        r.patchLevel = { os: 202301, vendor: 202301, boot: 202301 };
        r.firmware!.patchLevel = 202301;
      }).refusals,
    ).toEqual(['ATTESTATION_PATCH_TOO_OLD']);
  });

  it(
    'is validated at start-up: unknown keys, wrong types and ' +
      'an inverted patch band stop the service (CONFIG_INVALID)',
    () => {
      expect(codeOfLoad(write({ ...raw(), surprise: true }))).toBe('CONFIG_INVALID');
      expect(codeOfLoad(write({ ...raw(), maxEvidenceAgeSec: '300' }))).toBe('CONFIG_INVALID');
      expect(codeOfLoad(write({ ...raw(), minPatchLevel: 202612, highTierPatchLevel: 202601 }))).toBe('CONFIG_INVALID');
      expect(codeOfLoad(write({ ...raw(), withoutEse: 'HIGH' }))).toBe('CONFIG_INVALID');
      expect(codeOfLoad(join(dir, 'missing.json'))).toBe('CONFIG_INVALID');
      expect(codeOfLoad(write(raw()))).toBe('LOADED');
    },
  );
});
