import type { AuthorizeCaller } from '../../kit/src/grpc-server.js';
import type { DeriveLevel } from '../../services/attestation/src/domain/chain.js';
import { EMPTY_STATUS_LIST, type StatusListSource } from '../../services/attestation/src/domain/status-list.js';
import { trailKey, type DecisionRecord } from '../../services/risk/src/domain/model.js';
import type { FeatureStore } from '../../services/risk/src/store/ports.js';
import type { CheckDevice } from '../../services/transaction/src/domain/device-standing.js';
import type { RecheckStepUp } from '../../services/transaction/src/domain/payments.js';

/**
 * Permissive strategies the sabotage checks inject in place of a control, one per control, to show
 * that the attack a scenario plays really meets that control (each succeeds with it switched off).
 */

/** Takes the security level the record claims: the forged level is believed (replaces levelFromChain). */
export const levelFromRecord: DeriveLevel = (evidence) => evidence.record.key.securityLevel;

/** The old rule: any certificate of kind `service` may call (replaces byIdentity on the risk service). */
export const anyServiceCaller: AuthorizeCaller = (_allowed, peer) => peer.role === 'service';

/** Confirms a step-up without asking again (replaces recheckDeviceAndRisk): a revoked device's held payment posts. */
export const approveStepUp: RecheckStepUp = async () => ({
  decision: 'APPROVE',
  ruleIds: [],
  reason: 'not re-checked',
});

/** Honours every token whatever the device's standing (replaces standingGate). */
export const ignoreStanding: CheckDevice = async () => {};

/** A feature store whose decision trails are overwritten by every assessment (replaces the append-only adapters). */
export function overwritingDecisions(store: FeatureStore): FeatureStore {
  const trails = new Map<string, DecisionRecord>();
  return {
    ...store,
    async appendDecision(rec) {
      trails.set(trailKey(rec.transactionId, rec.stage), rec);
      return rec;
    },
    async getDecision(id, stage) {
      return trails.get(trailKey(id, stage)) ?? null;
    },
  };
}

/** A status list source that revokes nothing, whatever the OEM published (replaces the signed file). */
export const noRevocations: StatusListSource = async () => EMPTY_STATUS_LIST;
