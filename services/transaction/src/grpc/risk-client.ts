import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { contracts } from '../../../../kit/src/contracts.js';
import { call, createClient } from '../../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../../kit/src/tls.js';
import type { RiskAnswer } from '../domain/payments.js';
import type { Transfer } from '../domain/model.js';

/** The gRPC health service's client, as far as the heartbeat uses it. */
interface HealthClient extends grpc.Client {
  Check(
    req: { service: string },
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): grpc.ClientUnaryCall;
}
const Health = grpc.makeGenericClientConstructor(
  healthService as unknown as grpc.ServiceDefinition,
  'Health',
) as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => HealthClient;

/** The service name the risk service reports SERVING under in the gRPC health protocol. */
const RISK_SERVICE = 'dfs.v1.RiskService';

/**
 * Asks the risk service over mTLS with a deadline; a late or failed answer rejects (the caller fails
 * closed). `serving` asks its gRPC health check, within the same deadline, whether it serves
 * assessments now; concurrent askers share one probe, so a burst of heartbeats makes one call.
 */
export function riskClient(address: string, tls: TlsMaterial, deadlineMs: number) {
  const client = createClient(contracts().RiskService, address, tls, 'risk');
  const health = createClient(Health, address, tls, 'risk');
  const probe = () =>
    new Promise<boolean>((resolve) => {
      health.Check({ service: RISK_SERVICE }, { deadline: Date.now() + deadlineMs }, (err, res) =>
        resolve(!err && res?.status === 'SERVING'),
      );
    });
  let asking: Promise<boolean> | undefined;
  return {
    serving: (): Promise<boolean> =>
      (asking ??= probe().finally(() => {
        asking = undefined;
      })),
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
    close: () => {
      client.close();
      health.close();
    },
  };
}
