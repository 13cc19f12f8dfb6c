import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { stackContext } from '../../cli/threats/context.js';
import { testStack } from '../support/stack.js';

describe('every threat scenario against the embedded stack (issue 8)', () => {
  let env: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => { env = await testStack(); });
  afterAll(async () => { await env?.close(); });

  it('has at least 30 scenarios with unique ids, each mapped to R1-R9, a MASVS v2 control and a seed', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      expect(s.recommendations.length).toBeGreaterThan(0);
      expect(s.masvs.split(', ').every((m) => /^MASVS-(STORAGE|CRYPTO|AUTH|NETWORK|PLATFORM|CODE|RESILIENCE|PRIVACY)-\d$/.test(m))).toBe(true);
      expect(s.seed.length).toBeGreaterThan(0);
    }
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s is stopped by its control with the expected code', async (_id, scenario) => {
    const result = await scenario.run(stackContext(env.stack, env.world));
    expect(['BLOCKED', 'DETECTED']).toContain(result.outcome);
    expect(result.code ?? null).toBe(scenario.expected);
  });
});
