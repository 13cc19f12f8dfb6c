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
