import { expect } from 'vitest';
import { errorCodeOf } from '../../kit/src/grpc-client.js';

/** Awaits a promise that must fail, and returns its stable error code (never its message). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorCodeOf(err);
  }
  expect.fail('expected the call to be refused, but it succeeded');
}
