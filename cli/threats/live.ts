import { renderFrame, type Frame } from '../../device-sim/src/ui/native-ui.js';
import type { World } from '../world.js';
import { play } from './play.js';
import { RECOMMENDATIONS } from './report.js';
import type { Context, Fact, Label, Outcome, Played, Recommendation, Scenario } from './types.js';

/**
 * One step of a scenario as it plays: the attack announced (catalog), what the scenario narrates and
 * the frames the phones' native UI draws (live), then the steps and facts the run observed, and the
 * outcome with the code the control answered with.
 */
export type ThreatStep =
  | {
      kind: 'scenario';
      id: string;
      title: string;
      label: Label;
      story: string;
      action: string;
      control: string;
      recommendations: { id: Recommendation; text: string }[];
    }
  | { kind: 'say'; line: string }
  | { kind: 'frame'; frame: Frame; text: string }
  | { kind: 'step'; line: string }
  | {
      kind: 'outcome';
      outcome: Outcome;
      code: string | null;
      expectedCode: string | null;
      achieved: boolean;
      control: string;
      /** DETECTED scenarios: what detects the attack. */
      detectedBy: string | null;
      recommendations: { id: Recommendation; text: string }[];
      evidence: Record<string, Fact>;
    };

const recs = (s: Scenario) => s.recommendations.map((id) => ({ id, text: RECOMMENDATIONS[id] }));

/**
 * Plays one scenario and emits its steps while it plays: the phones' frames as they are drawn (every
 * phone the world builds meanwhile), the scenario's narration, then the observed steps and outcome.
 */
export async function playLive(
  s: Scenario,
  world: World,
  context: (say: (line: string) => void) => Context,
  emit: (step: ThreatStep) => void,
): Promise<Played> {
  const { id, title, label, story, action, control } = s;
  emit({ kind: 'scenario', id, title, label, story, action, control, recommendations: recs(s) });
  const before = world.onFrame;
  world.onFrame = (frame) => emit({ kind: 'frame', frame, text: renderFrame(frame) });
  try {
    const p = await play(
      s,
      context((line) => emit({ kind: 'say', line })),
    );
    for (const line of p.observed.steps) emit({ kind: 'step', line });
    emit({
      kind: 'outcome',
      outcome: p.outcome,
      code: p.observed.code,
      expectedCode: s.expect.code,
      achieved: p.observed.achieved,
      control: s.control,
      detectedBy: s.detectedBy ?? null,
      recommendations: recs(s),
      evidence: p.observed.evidence,
    });
    return p;
  } finally {
    world.onFrame = before;
  }
}

/** A step as the terminal narrates it (`dfs threats --only`). */
export function narration(step: ThreatStep): string {
  switch (step.kind) {
    case 'scenario':
      return (
        `\n${step.title} [${step.label}]\n  story:   ${step.story}\n  attack:  ${step.action}\n  ` +
        `control: ${step.control} (${step.recommendations.map((r) => r.id).join(', ')})`
      );
    case 'say':
      return `  - ${step.line}`;
    case 'frame':
      return step.text
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n');
    case 'step':
      return `  > ${step.line}`;
    case 'outcome':
      return (
        `  evidence: ${JSON.stringify(step.evidence)}\n  outcome: ${step.outcome} ` +
        `(observed ${step.code ?? 'no code'}; expected ${step.expectedCode ?? 'no code'})`
      );
  }
}
