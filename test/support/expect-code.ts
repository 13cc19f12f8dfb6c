import { expect } from 'vitest';
import { DfsError } from '../../kit/src/errors.js';
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

/** 'ACCEPTED' when the promise resolves, else its stable error code ('OTHER' for anything but a DfsError). */
export async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (err) {
    return err instanceof DfsError ? err.code : 'OTHER';
  }
}
