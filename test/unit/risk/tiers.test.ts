import { describe, expect, it } from 'vitest';
import { DAY, NOW, attestedDevice, decideAt, defaults, features, history, payment } from './fixtures.js';

describe('risk per posture tier (brief §4, seed 002 §6: weak phones move small amounts)', () => {
  const rules = defaults();

  it('approves, steps up and declines the same 300 KES payment on HIGH, STANDARD and LOW', () => {
    const high = decideAt(payment(30_000, 'HIGH'), features(attestedDevice('HIGH')));
    const standard = decideAt(payment(30_000, 'STANDARD'), features(attestedDevice('STANDARD', ['PATCH_BEHIND'])));
    const low = decideAt(payment(30_000, 'LOW'), features(attestedDevice('LOW', ['NO_SECURE_ELEMENT'])));
    expect([high.decision, high.ruleIds]).toEqual(['APPROVE', []]);
    expect(standard.decision).toBe('STEP_UP');
    expect(standard.ruleIds).toEqual(['tier.stepUp', 'patch.behind']);
    expect(low.decision).toBe('DECLINE');
    expect(low.ruleIds).toContain('tier.perPayment');
  });

  it('approves a small payment on every tier', () => {
    for (const [tier, reasons] of [
      ['HIGH', []],
      ['STANDARD', ['PATCH_BEHIND']],
      ['LOW', ['NO_SECURE_ELEMENT']],
    ] as const) {
      expect(decideAt(payment(1_500, tier), features(attestedDevice(tier, [...reasons]))).decision).toBe('APPROVE');
    }
  });

  for (const tier of ['HIGH', 'STANDARD', 'LOW'] as const) {
    const t = rules.tiers[tier];
    describe(`tier ${tier}`, () => {
      const f = () => features(attestedDevice(tier, []));
      it('tier.stepUp fires just above stepUpAbove, not at it', () => {
        expect(decideAt(payment(t.stepUpAbove, tier), f()).ruleIds).not.toContain('tier.stepUp');
        const a = decideAt(payment(t.stepUpAbove + 1, tier), f());
        expect(a.ruleIds).toContain('tier.stepUp');
        expect(a.decision).toBe('STEP_UP');
      });
      it('tier.perPayment vetoes just above maxPerPayment', () => {
        expect(decideAt(payment(t.maxPerPayment, tier), f()).ruleIds).not.toContain('tier.perPayment');
        const a = decideAt(payment(t.maxPerPayment + 1, tier), f());
        expect([a.decision, a.ruleIds.includes('tier.perPayment')]).toEqual(['DECLINE', true]);
      });
      it("tier.perDay counts the device's posted payments of the last 24 h", () => {
        const amount = Math.min(t.stepUpAbove, t.maxPerPayment);
        const n = Math.ceil(t.maxPerDay / amount);
        const today = history(n, amount, 60_000, 60_000);
        expect(decideAt(payment(amount, tier), features(attestedDevice(tier, []), today)).ruleIds).toContain(
          'tier.perDay',
        );
        const yesterday = history(n, amount, 60_000, DAY + 60_000);
        expect(decideAt(payment(amount, tier), features(attestedDevice(tier, []), yesterday)).ruleIds).not.toContain(
          'tier.perDay',
        );
      });
      it('tier.windowCount fires when the device reaches maxCountPerWindow payments in the window', () => {
        const within = history(t.maxCountPerWindow, 1, (t.windowSec * 1000) / (t.maxCountPerWindow + 1), 1000);
        expect(decideAt(payment(1, tier), features(attestedDevice(tier, []), within.slice(1))).ruleIds).not.toContain(
          'tier.windowCount',
        );
        expect(decideAt(payment(1, tier), features(attestedDevice(tier, []), within)).ruleIds).toContain(
          'tier.windowCount',
        );
      });
    });
  }

  it('declines an unknown tier (tier.unknown veto) and ignores other tier rules then', () => {
    const a = decideAt(payment(100, 'ROOTED'));
    expect([a.decision, a.ruleIds, a.tier]).toEqual(['DECLINE', ['tier.unknown'], null]);
  });

  it("lowers the token's tier to a weaker tier attested since (re-attestation found an old patch)", () => {
    const a = decideAt(payment(30_000, 'HIGH'), features(attestedDevice('STANDARD', ['PATCH_BEHIND'], NOW - DAY)));
    expect(a.tier).toBe('STANDARD');
    expect(a.decision).toBe('STEP_UP');
    expect(decideAt(payment(30_000, 'LOW'), features(attestedDevice('HIGH'))).tier).toBe('LOW');
  });

  it('uses `now` only from its argument: the same inputs give the same decision whatever the clock', () => {
    const f = features(attestedDevice('HIGH'), history(3, 1_000));
    expect(decideAt(payment(9_000), f, rules, NOW)).toEqual(decideAt(payment(9_000), f, rules, NOW));
    expect(decideAt(payment(9_000), f, rules, NOW).ruleIds).toEqual(['amount.unusual']);
    expect(decideAt(payment(9_000), f, rules, NOW - 3 * DAY).ruleIds).toEqual([]);
  });
});
