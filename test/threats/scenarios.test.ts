import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { stackContext } from '../../cli/threats/context.js';
import { play } from '../../cli/threats/play.js';
import { testStack } from '../support/stack.js';

describe('every threat scenario against the embedded stack, judged from what it observed', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'has at least 40 scenarios with unique ids, each labelled and ' +
      'mapped to R1-R9, a MASVS v2 control, a seed and a control port',
    () => {
      expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
      expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
      for (const s of SCENARIOS) {
        expect(['remote', 'on-device', 'insider']).toContain(s.label);
        expect(s.recommendations.length).toBeGreaterThan(0);
        expect(
          s.masvs
            .split(', ')
            .every((m) => /^MASVS-(STORAGE|CRYPTO|AUTH|NETWORK|PLATFORM|CODE|RESILIENCE|PRIVACY)-\d$/.test(m)),
        ).toBe(true);
        expect(s.seed.length).toBeGreaterThan(0);
        expect(s.port.off.length).toBeGreaterThan(0);
        if (s.expect.outcome === 'DETECTED') expect(s.detectedBy?.length).toBeGreaterThan(0);
      }
    },
  );

  it.each(SCENARIOS.map((s) => [s.id, s] as const))(
    '%s is stopped by its control with the expected code and leaves evidence',
    async (_id, scenario) => {
      const p = await play(scenario, stackContext(env.stack, env.world));
      const observed = JSON.stringify({ evidence: p.observed.evidence, steps: p.observed.steps });
      expect({ outcome: p.outcome, code: p.observed.code, achieved: p.observed.achieved }, observed).toEqual({
        outcome: scenario.expect.outcome,
        code: scenario.expect.code,
        achieved: false,
      });
      expect(Object.keys(p.observed.evidence).length).toBeGreaterThan(0);
      expect(p.observed.steps.length).toBeGreaterThan(0);
    },
    60_000,
  );
});
