import type { DeriveLevel } from '../../services/attestation/src/domain/chain.js';

/**
 * Permissive strategies the sabotage checks inject in place of a control, one per control, to show
 * that the attack a scenario plays really meets that control (each succeeds with it switched off).
 */

/** Takes the security level the record claims: the forged level is believed (replaces levelFromChain). */
export const levelFromRecord: DeriveLevel = (evidence) => evidence.record.key.securityLevel;
