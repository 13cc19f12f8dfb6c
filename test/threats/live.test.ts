import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { stackContext } from '../../cli/threats/context.js';
import { narration, playLive, type ThreatStep } from '../../cli/threats/live.js';
import { testStack } from '../support/stack.js';

const scenario = SCENARIOS.find((s) => s.id === 'amount-in-transit')!;

async function playIt(overrides: ReturnType<typeof scenario.port.stub> = {}) {
  const env = await testStack(overrides.env ?? {}, overrides.phones, overrides.stack);
  const steps: ThreatStep[] = [];
  try {
    const played = await playLive(
      scenario,
      env.world,
      (say) => stackContext(env.stack, env.world, say),
      (s) => steps.push(s),
    );
    return { played, steps, framesAfter: env.world.onFrame };
  } finally {
    await env.close();
  }
}

describe('a threat scenario played step by step', () => {
  it('emits the attack, the frames as drawn, the observed steps, then the observed code and R1-R9', async () => {
    const { played, steps, framesAfter } = await playIt();
    const kinds = steps.map((s) => s.kind);
    expect(kinds[0]).toBe('scenario');
    expect(kinds.at(-1)).toBe('outcome');
    const first = steps[0] as Extract<ThreatStep, { kind: 'scenario' }>;
    expect(first).toMatchObject({ id: scenario.id, control: scenario.control });
    expect(first.recommendations.map((r) => r.id)).toEqual(scenario.recommendations);
    const frames = steps.filter((s) => s.kind === 'frame');
    expect(frames.length).toBeGreaterThan(0);
    expect(kinds.lastIndexOf('frame')).toBeLessThan(kinds.indexOf('step'));
    expect(steps.filter((s) => s.kind === 'step').map((s) => s.line)).toEqual(played.observed.steps);
    const outcome = steps.at(-1) as Extract<ThreatStep, { kind: 'outcome' }>;
    expect(outcome).toMatchObject({ outcome: 'BLOCKED', code: played.observed.code, achieved: false });
    expect(outcome.code).toBe(scenario.expect.code);
    expect(outcome.recommendations.map((r) => r.id)).toEqual(scenario.recommendations);
    expect(framesAfter).toBeUndefined();
    expect(narration(outcome)).toContain(`observed ${outcome.code}`);
  }, 90_000);

  it('shows the code the control really answered with: a stub control refusing with its own code', async () => {
    const { steps } = await playIt(scenario.port.stub('CONFIG_INVALID'));
    expect(steps.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'UNEXPECTED', code: 'CONFIG_INVALID' });
  }, 90_000);
});
