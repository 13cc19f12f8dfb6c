import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { stackContext } from '../../cli/threats/context.js';
import { play } from '../../cli/threats/play.js';
import { testStack } from '../support/stack.js';

const proven: string[] = [];

describe(
  'sabotage check: with its one control replaced by a permissive ' +
    'variant at wiring time, every scenario reaches its goal',
  () => {
    afterAll(() => {
      console.log(
        `[sabotage] ${proven.length} of ${SCENARIOS.length} scenarios shown to succeed with their control off`,
      );
    });

    it.each(SCENARIOS.map((s) => [s.id, s] as const))(
      '%s: its attack succeeds with the control off',
      async (_id, scenario) => {
        const overrides = scenario.port.permit();
        const env = await testStack(overrides.env ?? {}, overrides.phones, overrides.stack);
        try {
          const p = await play(scenario, stackContext(env.stack, env.world));
          expect({
            outcome: p.outcome,
            achieved: p.observed.achieved,
            code: p.observed.code,
            evidence: p.observed.evidence,
            steps: p.observed.steps,
          }).toEqual(expect.objectContaining({ outcome: 'SUCCEEDED', achieved: true }));
          console.log(`[sabotage] ${scenario.id}: ${scenario.port.off} -> ${JSON.stringify(p.observed.evidence)}`);
          proven.push(scenario.id);
        } finally {
          await env.close();
        }
      },
      300_000,
    );
  },
);
