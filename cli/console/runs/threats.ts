import { DfsError } from '../../../kit/src/errors.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';
import type { Stack } from '../../stack.js';
import type { World } from '../../world.js';
import { SCENARIOS } from '../../threats/catalog.js';
import { stackContext } from '../../threats/context.js';
import { playLive, type ThreatStep } from '../../threats/live.js';
import { RECOMMENDATIONS } from '../../threats/report.js';

/** At most this many phone frames of one play are kept and sent (a brute force draws thousands). */
const MAX_FRAMES = 60;

/** A scenario as the picker lists it. */
export interface ScenarioEntry {
  id: string;
  title: string;
  label: string;
  action: string;
  control: string;
  recommendations: { id: string; text: string }[];
}

/** One step of a play on the wire: which play, its position, the step. */
export interface PlayMessage {
  play: number;
  seq: number;
  step: ThreatStep | { kind: 'end'; state: 'done' | 'failed'; code: string | null; framesNotShown: number };
}

/** A play as the page shows it: the scenario, its state, and every step sent so far. */
export interface PlayView {
  id: number;
  scenario: string;
  state: 'running' | 'done' | 'failed';
  steps: PlayMessage[];
}

/**
 * Plays the threat scenarios against the console's stack, one at a time (a second play while one
 * runs is CONSOLE_RUN_IN_PROGRESS), each with a world of its own so that only its phones' frames are
 * shown; each step goes out as it happens.
 */
export class ThreatPlays {
  #current: PlayView | null = null;
  #running: Promise<void> | null = null;
  #next = 0;

  constructor(
    private readonly stack: Stack,
    private readonly newWorld: () => Promise<World>,
    private readonly publish: (m: PlayMessage) => void,
  ) {}

  /** The catalog, in presentation order. */
  get scenarios(): ScenarioEntry[] {
    return SCENARIOS.map(({ id, title, label, action, control, recommendations }) => ({
      id,
      title,
      label,
      action,
      control,
      recommendations: recommendations.map((r) => ({ id: r, text: RECOMMENDATIONS[r] })),
    }));
  }

  /** The current or last play, or null. */
  get current(): PlayView | null {
    return this.#current;
  }

  /** Starts playing scenario `id`; returns at once with the play's view. */
  start(id: string): PlayView {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (!scenario) throw new DfsError('CONSOLE_SCENARIO_NOT_FOUND');
    if (this.#running) throw new DfsError('CONSOLE_RUN_IN_PROGRESS', 'a threat scenario is already playing');
    const view: PlayView = { id: ++this.#next, scenario: id, state: 'running', steps: [] };
    this.#current = view;
    let frames = 0;
    const send = (step: PlayMessage['step']) => {
      const m = { play: view.id, seq: view.steps.length, step };
      view.steps.push(m);
      this.publish(m);
    };
    const emit = (step: ThreatStep) => {
      if (step.kind === 'frame' && ++frames > MAX_FRAMES) return;
      send(step);
    };
    this.#running = (async () => {
      let code: string | null = null;
      try {
        const world = await this.newWorld();
        try {
          await playLive(scenario, world, (say) => stackContext(this.stack, world, say), emit);
        } finally {
          world.close();
        }
        view.state = 'done';
      } catch (err) {
        view.state = 'failed';
        code = errorCodeOf(err);
      }
      send({ kind: 'end', state: view.state, code, framesNotShown: Math.max(0, frames - MAX_FRAMES) });
    })().finally(() => {
      this.#running = null;
    });
    return view;
  }

  /** Waits for the running play, if any, to end (console shutdown). */
  async drain(): Promise<void> {
    await this.#running;
  }
}
