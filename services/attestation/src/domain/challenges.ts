import { randomBytes, randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';

/** A challenge as stored: single use, short-lived. */
export interface StoredChallenge {
  id: string;
  nonce: string;
  purpose: string;
  expiresAtMs: number;
  used: boolean;
}

/** A fresh random challenge (32 bytes from the platform CSPRNG). */
export function newChallenge(purpose: string, ttlSec: number, now: number): StoredChallenge {
  return { id: randomUUID(), nonce: randomBytes(32).toString('base64url'), purpose, expiresAtMs: now + ttlSec * 1000, used: false };
}

/**
 * Judges a consumed challenge: `prior` is the stored document as it was before this use was
 * recorded (null when unknown). Reuse and expiry each have their own code.
 */
export function checkConsumed(prior: StoredChallenge | null, purpose: string, now: number): StoredChallenge {
  if (!prior || prior.purpose !== purpose) throw new DfsError('ATTESTATION_CHALLENGE_UNKNOWN');
  if (prior.used) throw new DfsError('ATTESTATION_CHALLENGE_REUSED');
  if (prior.expiresAtMs < now) throw new DfsError('ATTESTATION_CHALLENGE_EXPIRED');
  return prior;
}
