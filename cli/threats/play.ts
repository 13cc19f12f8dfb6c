import { errorCodeOf } from '../../kit/src/grpc-client.js';
import type { Outcome, Result } from './types.js';

/**
 * Runs an attack step that the stack must refuse. A refusal with one of `expected` codes is
 * BLOCKED (DETECTED when `detected`); a success, or a refusal with another code, is SUCCEEDED, so a
 * broken control never passes quietly.
 */
export async function expectRefusal(attempt: () => Promise<unknown>, expected: string[], steps: string[], detected = false): Promise<Result> {
  try {
    await attempt();
  } catch (err) {
    const code = errorCodeOf(err);
    const outcome: Outcome = expected.includes(code) ? (detected ? 'DETECTED' : 'BLOCKED') : 'SUCCEEDED';
    return { outcome, code, steps: [...steps, `refused with ${code}`] };
  }
  return { outcome: 'SUCCEEDED', steps: [...steps, 'the attack went through'] };
}

/** A scenario whose control is not built yet: reported as such, never as passed. */
export const notBuilt = (why: string): Result => ({ outcome: 'NOT_BUILT', steps: [why] });

/** One attack attempt of a scenario that tries several paths: what to run, the codes that stop it, the narration. */
export type Attempt = [attempt: () => Promise<unknown>, expected: string[], step: string];

/** Plays every attempt in turn: BLOCKED (with the first attempt's code) only when each one is refused as expected. */
export async function expectAllRefused(attempts: Attempt[], steps: string[] = []): Promise<Result> {
  let first: Result | undefined;
  const done = [...steps];
  for (const [attempt, expected, step] of attempts) {
    const r = await expectRefusal(attempt, expected, [step]);
    done.push(...r.steps);
    if (r.outcome !== 'BLOCKED') return { ...r, steps: done };
    first ??= r;
  }
  return { outcome: 'BLOCKED', code: first?.code, steps: done };
}

/** An attack the control answers with silence (no error): BLOCKED with no code when `stopped`, else SUCCEEDED. */
export const silent = (stopped: boolean, steps: string[]): Result => (stopped ? { outcome: 'BLOCKED', steps } : { outcome: 'SUCCEEDED', steps });
