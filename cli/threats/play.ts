import { errorCodeOf } from '../../kit/src/grpc-client.js';
import type { Context, Fact, Observation, Outcome, Played, Scenario } from './types.js';

/** Runs one attack step: its value, or the stable code it was refused with (as received). */
export async function attempt<T>(
  step: () => Promise<T> | T,
): Promise<{ ok: true; value: T; code: null } | { ok: false; code: string; error: unknown }> {
  try {
    return { ok: true, value: await step(), code: null };
  } catch (error) {
    return { ok: false, code: errorCodeOf(error), error };
  }
}

/** Builds an observation. */
export function observed(
  code: string | null,
  achieved: boolean,
  evidence: Record<string, Fact>,
  steps: string[],
): Observation {
  return { code, achieved, evidence, steps };
}

/** A scenario that cannot be played from here: reported as such, never as passed. */
export const notBuilt = (why: string): Observation => ({
  code: null,
  achieved: false,
  evidence: {},
  steps: [],
  notBuilt: why,
});

/**
 * The verdict, from the observation alone: SUCCEEDED when the attacker got what he was after,
 * UNEXPECTED when the code received is not the one the catalog expects, else the catalog's outcome.
 */
export function judge(s: Scenario, o: Observation): Outcome {
  if (o.notBuilt) return 'NOT_BUILT';
  if (o.achieved) return 'SUCCEEDED';
  if (o.code !== s.expect.code) return 'UNEXPECTED';
  return s.expect.outcome;
}

/** Plays one scenario; a crash is reported as UNEXPECTED with the code it carried. */
export async function play(s: Scenario, ctx: Context): Promise<Played> {
  const observation = await s.run(ctx).catch((err: unknown): Observation => ({
    code: errorCodeOf(err),
    achieved: false,
    evidence: { crashed: true },
    steps: [`the scenario stopped: ${(err as Error).message}`],
  }));
  return { ...s, observed: observation, outcome: judge(s, observation) };
}
