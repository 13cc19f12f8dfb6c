import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { CORRELATION_ID } from '../domain/requests.js';

/** An account id from a request, or INVALID_ARGUMENT. */
export function accountId(value: string): string {
  if (!ACCOUNT_ID.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'account id');
  return value;
}

/** A transaction id (a UUID) from a request, or INVALID_ARGUMENT. */
export function transactionId(value: string): string {
  if (!z.uuid().safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'transaction id');
  return value;
}

/** An idempotency key from a request, or INVALID_ARGUMENT. */
export function idempotencyKey(value: string): string {
  if (!CORRELATION_ID.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', 'idempotency key');
  return value;
}
