import { randomBytes, randomUUID } from 'node:crypto';
import { DfsError } from '../../../../kit/src/errors.js';
import type { AttestationStore } from '../store/ports.js';

/** A challenge as stored: single use, short-lived, bound to the caller and purpose that asked for it. */
export interface StoredChallenge {
  id: string;
  nonce: string;
  purpose: string;
  /** `role:name` of the TLS client certificate that asked for the challenge. */
  binding: string;
  expiresAtMs: number;
  used: boolean;
}

/** Who asked for a challenge and what for; a challenge is good only for the same pair. */
export interface ChallengeRequester {
  purpose: string;
  binding: string;
}

/** The binding of a caller: `role:name` of its TLS client certificate. */
export const bindingOf = (peer: { role: string; name: string }): string => `${peer.role}:${peer.name}`;

const PURPOSE = /^[a-z][a-z-]{0,31}$/;

/** A fresh random challenge (32 bytes from the platform CSPRNG) bound to its requester. */
export function newChallenge(requester: ChallengeRequester, ttlSec: number, now: number): StoredChallenge {
  if (!PURPOSE.test(requester.purpose)) throw new DfsError('INVALID_ARGUMENT', 'purpose');
  return {
    id: randomUUID(),
    nonce: randomBytes(32).toString('base64url'),
    ...requester,
    expiresAtMs: now + ttlSec * 1000,
    used: false,
  };
}

/** Issues a challenge to its requester: made fresh (newChallenge), then stored until used or expired. */
export async function issueChallenge(
  requester: ChallengeRequester,
  deps: { store: Pick<AttestationStore, 'putChallenge'>; challengeTtlSec: number; now: () => number },
): Promise<StoredChallenge> {
  const c = newChallenge(requester, deps.challengeTtlSec, deps.now());
  await deps.store.putChallenge(c);
  return c;
}

/**
 * Judges a consumed challenge: `prior` is the stored document as it was before this use was
 * recorded (null when unknown). Unknown, reuse, expiry and another requester each have their own code.
 */
export function checkConsumed(
  prior: StoredChallenge | null,
  requester: ChallengeRequester,
  now: number,
): StoredChallenge {
  if (!prior) throw new DfsError('ATTESTATION_CHALLENGE_UNKNOWN');
  if (prior.used) throw new DfsError('ATTESTATION_CHALLENGE_REUSED');
  if (prior.expiresAtMs < now) throw new DfsError('ATTESTATION_CHALLENGE_EXPIRED');
  if (prior.purpose !== requester.purpose || prior.binding !== requester.binding)
    throw new DfsError('ATTESTATION_CHALLENGE_NOT_BOUND');
  return prior;
}
