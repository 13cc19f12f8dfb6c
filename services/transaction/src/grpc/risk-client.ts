import { contracts } from '../../../../kit/src/contracts.js';
import { call, createClient } from '../../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../../kit/src/tls.js';
import type { RiskAnswer } from '../domain/payments.js';
import type { Transfer } from '../domain/model.js';

/** Asks the risk service over mTLS with a deadline; a late or failed answer rejects (the caller fails closed). */
export function riskClient(address: string, tls: TlsMaterial, deadlineMs: number) {
  const client = createClient(contracts().RiskService, address, tls, 'risk');
  return {
    assess: async (t: Transfer, tier: string, stage: 'payment' | 'step-up' = 'payment'): Promise<RiskAnswer> => {
      const res = await call(
        client,
        client.Assess,
        {
          transactionId: t.id,
          deviceId: t.deviceId,
          payer: t.payer,
          payee: t.payee,
          amount: { minorUnits: String(t.amount), currency: t.currency },
          tier,
          stage,
        },
        deadlineMs,
      );
      if (res.decision !== 'APPROVE' && res.decision !== 'STEP_UP' && res.decision !== 'DECLINE')
        throw new Error(`risk answered ${res.decision}`);
      return {
        decision: res.decision,
        ruleIds: res.ruleIds,
        reason: res.reason,
        ...(res.code ? { code: res.code } : {}),
      };
    },
    close: () => client.close(),
  };
}
