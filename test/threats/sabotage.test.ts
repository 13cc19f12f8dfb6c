import { describe, expect, it } from 'vitest';
import { SABOTAGE_CHECKS, SCENARIOS } from '../../cli/threats/catalog.js';
import { stackContext } from '../../cli/threats/context.js';
import { SABOTAGE_SWITCHES, type SabotageSwitch } from '../../kit/src/sabotage.js';
import { testStack } from '../support/stack.js';

describe('sabotage check (issue 8 acceptance 2): with its control switched off, the scenario SUCCEEDS', () => {
  it('covers every switch, at least five, each with a scenario of the catalog', () => {
    expect(Object.keys(SABOTAGE_CHECKS).sort()).toEqual(Object.keys(SABOTAGE_SWITCHES).sort());
    expect(Object.keys(SABOTAGE_CHECKS).length).toBeGreaterThanOrEqual(5);
    for (const id of Object.values(SABOTAGE_CHECKS)) expect(SCENARIOS.map((s) => s.id)).toContain(id);
  });

  it.each(Object.entries(SABOTAGE_CHECKS) as [SabotageSwitch, string][])('%s off: %s succeeds', async (control, id) => {
    const env = await testStack({}, new Set([control]));
    try {
      const result = await SCENARIOS.find((s) => s.id === id)!.run(stackContext(env.stack, env.world));
      expect(result.outcome).toBe('SUCCEEDED');
    } finally {
      await env.close();
    }
  });
});
