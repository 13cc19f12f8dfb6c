import type { EventBus } from '../../kit/src/events.js';
import type { World } from '../world.js';

export type Outcome = 'BLOCKED' | 'DETECTED' | 'SUCCEEDED' | 'NOT_BUILT';
export type Recommendation = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8' | 'R9';

/** What playing a scenario produced: the outcome, the stable code that stopped it, and the narration. */
export interface Result {
  outcome: Outcome;
  code?: string;
  steps: string[];
}

/** What a scenario may use: the addresses of the stack and the world around it (OEM, operator, phones). */
export interface Context {
  world: World;
  attestationAddr: string;
  transactionAddr: string;
  /** The stack's shared event bus, where the operator's SIM feed publishes (embedded stack only). */
  bus?: EventBus;
  /** The integrator REST API and a registered integrator's key (seed 003 scenarios). */
  integrator?: { url: string; apiKey: string };
  /** Narrates one step (shown with --only). */
  say(line: string): void;
}

/** A named attack, played through the interfaces an attacker has, mapped to the control that stops it. */
export interface Scenario {
  id: string;
  title: string;
  /** What the attacker does. */
  action: string;
  /** The control expected to stop it. */
  control: string;
  recommendations: Recommendation[];
  masvs: string;
  seed: string;
  /** The stable code (or risk rule id) the control answers with; null when its answer is silence. */
  expected: string | null;
  /** Two or three sentences for a presenter. */
  story: string;
  run(ctx: Context): Promise<Result>;
}
