import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../services/risk/src/domain/checks.js';
import { applyDeviceEvent, type DeviceFeatures } from '../../../services/risk/src/domain/features.js';
import { RuleSet, type RuleId } from '../../../services/risk/src/domain/rules.js';
import { DAY, NOW, attestedDevice, decideAt, defaults, features, history, payment, withRules } from './fixtures.js';

const ev = (
  d: DeviceFeatures,
  type: Parameters<typeof applyDeviceEvent>[2],
  atMs: number,
  data: Record<string, unknown> = {},
  id = `${type}-${atMs}`,
) => applyDeviceEvent(d, id, type, { deviceId: d.deviceId, ...data }, atMs);

describe('risk rules, one by one (each fires on its feature and only then)', () => {
  const baseline = () => features(attestedDevice('HIGH'), history(5, 1_000));

  it('the baseline payment fires no rule', () => {
    expect(decideAt(payment(1_000), baseline())).toMatchObject({ decision: 'APPROVE', ruleIds: [], score: 0 });
  });

  it(
    'every rule of the schema has a check (limits.reserve: ' +
      'the reservation) and a default in config/risk-rules.json',
    () => {
      expect([...Object.keys(CHECKS), 'limits.reserve'].sort()).toEqual(Object.keys(RuleSet.shape).sort());
      expect(Object.keys(defaults().rules).sort()).toEqual(Object.keys(RuleSet.shape).sort());
    },
  );

  let inForce = defaults();
  const run = (...args: Parameters<typeof decideAt>) => decideAt(args[0], args[1], inForce);
  const cases: { rule: RuleId; decision: string; build: () => ReturnType<typeof decideAt> }[] = [
    {
      rule: 'device.status',
      decision: 'DECLINE',
      build: () => run(payment(1_000), { ...baseline(), device: ev(attestedDevice(), 'device.revoked', NOW - DAY) }),
    },
    {
      rule: 'device.coolingOff',
      decision: 'APPROVE',
      build: () => run(payment(25_000), features(attestedDevice('HIGH', [], NOW - 60_000))),
    },
    {
      rule: 'sim.imsiChanged',
      decision: 'STEP_UP',
      build: () =>
        run(payment(1_000), {
          ...baseline(),
          device: ev(attestedDevice(), 'device.sim_changed', NOW - 60_000, { imsiHash: 'imsi-2' }),
        }),
    },
    {
      rule: 'pin.failures',
      decision: 'APPROVE',
      build: () => {
        let d = attestedDevice();
        for (let i = 0; i < 3; i++) d = ev(d, 'device.pin_failed', NOW - (i + 1) * 60_000);
        return run(payment(1_000), { ...baseline(), device: d });
      },
    },
    {
      rule: 'pin.locked',
      decision: 'DECLINE',
      build: () =>
        run(payment(1_000), { ...baseline(), device: ev(attestedDevice(), 'device.pin_locked', NOW - 60_000) }),
    },
    {
      rule: 'payee.denylisted',
      decision: 'DECLINE',
      build: () => run(payment(1_000, 'HIGH', { payee: 'merchant-denylisted-demo' }), baseline()),
    },
    {
      rule: 'velocity.device',
      decision: 'APPROVE',
      build: () => {
        const f = baseline();
        return run(payment(1_000), { ...f, device: { ...f.device, payments: history(10, 1_000, 30_000, 30_000) } });
      },
    },
    {
      rule: 'velocity.payer',
      decision: 'APPROVE',
      build: () => {
        const f = baseline();
        return run(payment(1_000), { ...f, payer: { ...f.payer, payments: history(10, 1_000, 30_000, 30_000) } });
      },
    },
    {
      rule: 'velocity.payee',
      decision: 'APPROVE',
      build: () =>
        run(payment(1_000), features(attestedDevice(), history(5, 1_000), history(1, 49_999_500, 1, 60_000))),
    },
    { rule: 'amount.unusual', decision: 'APPROVE', build: () => run(payment(5_001), baseline()) },
    {
      rule: 'patch.behind',
      decision: 'APPROVE',
      build: () => run(payment(1_000), { ...baseline(), device: attestedDevice('HIGH', ['PATCH_BEHIND']) }),
    },
  ];

  for (const c of cases) {
    it(`${c.rule} fires alone and gives ${c.decision} with the default weights`, () => {
      const a = c.build();
      expect(a.ruleIds).toEqual([c.rule]);
      expect(a.decision).toBe(c.decision);
      expect(a.score).toBe(defaults().rules[c.rule].weight);
    });
    it(`${c.rule} does not fire when disabled in the rule file`, () => {
      inForce = withRules((r) => {
        r.rules[c.rule].enabled = false;
      });
      try {
        expect(c.build()).toMatchObject({ decision: 'APPROVE', ruleIds: [] });
      } finally {
        inForce = defaults();
      }
    });
  }

  it('weighs rather than vetoes: a new device or an unusual amount alone pass, together they step up', () => {
    const newDevice = attestedDevice('HIGH', [], NOW - 60_000);
    expect(decideAt(payment(25_000), features(newDevice)).decision).toBe('APPROVE');
    expect(decideAt(payment(25_000), features(attestedDevice(), history(5, 1_000))).decision).toBe('APPROVE');
    const both = decideAt(payment(25_000), features(newDevice, history(5, 1_000)));
    expect(both.ruleIds).toEqual(['device.coolingOff', 'amount.unusual']);
    expect([both.decision, both.score]).toEqual(['STEP_UP', 60]);
  });

  it('a veto declines whatever the score; weights and thresholds come from the rule file', () => {
    const rules = withRules((r) => {
      r.rules['payee.denylisted'].veto = false;
      r.rules['payee.denylisted'].weight = 10;
    });
    expect(decideAt(payment(1_000, 'HIGH', { payee: 'merchant-denylisted-demo' }), baseline(), rules).decision).toBe(
      'APPROVE',
    );
    const strict = withRules((r) => {
      r.thresholds.stepUp = 20;
    });
    expect(
      decideAt(payment(1_000), { ...baseline(), device: attestedDevice('HIGH', ['PATCH_BEHIND']) }, strict).decision,
    ).toBe('STEP_UP');
  });

  it(
    'device.status: a posture refusal or a device revocation vetoes; a replayed ' +
      'challenge does not, a replaced key holds payments via device.keyReplaced instead',
    () => {
      const rejected = (codes: string[]) => ev(attestedDevice(), 'device.rejected', NOW - DAY, { codes });
      expect(decideAt(payment(1_000), features(rejected(['ATTESTATION_DEVICE_ROOTED']))).ruleIds).toEqual([
        'device.status',
      ]);
      expect(decideAt(payment(1_000), features(rejected(['ATTESTATION_CHALLENGE_REUSED']))).ruleIds).toEqual([]);
      const keyOnly = ev(attestedDevice(), 'device.revoked', NOW - DAY, { scope: 'key', keyThumbprints: ['k'] });
      expect(decideAt(payment(1_000), features(keyOnly)).ruleIds).toEqual(['device.keyReplaced']);
      const reattested = ev(rejected(['ATTESTATION_DEVICE_ROOTED']), 'device.attested', NOW - 60_000, {
        tier: 'HIGH',
        reasons: [],
      });
      expect(decideAt(payment(1_000), features(reattested)).ruleIds).toEqual([]);
      const stale = ev(rejected(['ATTESTATION_DEVICE_ROOTED']), 'device.attested', NOW - 2 * DAY, {
        tier: 'HIGH',
        reasons: [],
      });
      expect(decideAt(payment(1_000), features(stale)).decision).toBe('DECLINE');
    },
  );

  it("patch.behind also fires on the attested patch level's age when no reason says so", () => {
    const old = ev(attestedDevice('HIGH', []), 'device.attested', NOW - DAY, {
      tier: 'HIGH',
      reasons: [],
      patchLevel: 202604,
    });
    expect(decideAt(payment(1_000), features(old)).ruleIds).toEqual(['patch.behind']);
    const fresh = ev(attestedDevice('HIGH', []), 'device.attested', NOW - DAY, {
      tier: 'HIGH',
      reasons: [],
      patchLevel: 202610,
    });
    expect(decideAt(payment(1_000), features(fresh)).ruleIds).toEqual([]);
  });

  it('a PIN lock or PIN failures stop counting after a re-verification', () => {
    let d = ev(attestedDevice(), 'device.pin_locked', NOW - 2 * 60_000);
    for (let i = 0; i < 3; i++) d = ev(d, 'device.pin_failed', NOW - (i + 3) * 60_000);
    expect(decideAt(payment(1_000), features(d)).ruleIds).toEqual(['pin.failures', 'pin.locked']);
    d = ev(d, 'device.reverified', NOW - 60_000);
    expect(decideAt(payment(1_000), features(d)).ruleIds).toEqual([]);
  });

  it('explains every decision with the rule ids that fired and a reason per rule', () => {
    const a = decideAt(payment(1_000, 'HIGH', { payee: 'merchant-denylisted-demo' }), {
      ...baseline(),
      device: attestedDevice('HIGH', ['PATCH_BEHIND']),
    });
    expect(a.hits.map((h) => [h.ruleId, h.weight, h.veto])).toEqual([
      ['payee.denylisted', 100, true],
      ['patch.behind', 20, false],
    ]);
    for (const h of a.hits) expect(a.reason).toContain(h.ruleId);
  });
});
