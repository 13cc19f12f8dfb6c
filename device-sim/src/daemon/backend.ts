import type * as grpc from '@grpc/grpc-js';
import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../kit/src/tls.js';
import type { Challenge__Output } from '../../../gen/proto/dfs/v1/Challenge.js';
import type { CreateAuthorisationCodeRequest } from '../../../gen/proto/dfs/v1/CreateAuthorisationCodeRequest.js';
import type { ConfirmStepUpRequest } from '../../../gen/proto/dfs/v1/ConfirmStepUpRequest.js';
import type { EnrollRequest } from '../../../gen/proto/dfs/v1/EnrollRequest.js';
import type { EnrollResponse__Output } from '../../../gen/proto/dfs/v1/EnrollResponse.js';
import type { SignedResult__Output } from '../../../gen/proto/dfs/v1/SignedResult.js';
import type { ReportDeviceRequest } from '../../../gen/proto/dfs/v1/ReportDeviceRequest.js';
import type { ReportDeviceResponse__Output } from '../../../gen/proto/dfs/v1/ReportDeviceResponse.js';
import type { SubmitPaymentRequest } from '../../../gen/proto/dfs/v1/SubmitPaymentRequest.js';

/** Where the backend is and how the phone proves who it is before enrollment (factory bootstrap certificate). */
export interface BackendConfig {
  attestationAddr: string;
  transactionAddr: string;
  /** CA certificate plus the factory bootstrap client certificate and key. */
  bootstrapTls: TlsMaterial;
}

/** The transaction service as the enrolled daemon sees it, over its own device certificate. */
export interface DeviceChannel {
  submitPayment(req: SubmitPaymentRequest): Promise<SignedResult__Output>;
  /** Answers a STEP_UP_REQUIRED result with a PIN-verified, eSE-signed confirmation. */
  confirmStepUp(req: ConfirmStepUpRequest): Promise<SignedResult__Output>;
  /** The signed list of requests to pay waiting for this wallet. */
  paymentRequests(accountId: string): Promise<SignedResult__Output>;
  resultKeys(): Promise<string>;
  /** The signed result of one of this wallet's payments, by its idempotency key. */
  paymentByKey(payer: string, idempotencyKey: string): Promise<SignedResult__Output>;
  /** The final answer for one of this wallet's payments; one that never arrived is recorded as abandoned. */
  abandonPayment(payer: string, idempotencyKey: string): Promise<SignedResult__Output>;
  /** Sends an eSE-signed device report (PIN failure, lockout, SIM); answers the event type it became. */
  reportDevice(req: ReportDeviceRequest): Promise<ReportDeviceResponse__Output>;
  /** Sends a PIN-confirmed, eSE-signed cash-out order; answers the signed one-time code. */
  createAuthorisationCode(req: CreateAuthorisationCodeRequest): Promise<SignedResult__Output>;
  close(): void;
}

/** The calls the payment daemon makes; a test may wrap them to play a network attacker. */
export interface Backend {
  /** The CA the phone trusts (from its factory credentials). */
  ca: Buffer;
  createChallenge(): Promise<Challenge__Output>;
  enroll(req: EnrollRequest): Promise<EnrollResponse__Output>;
  connect(deviceTls: TlsMaterial): DeviceChannel;
  close(): void;
}

/** The real backend: gRPC over mutual TLS; each server must present a certificate for its service name. */
export function grpcBackend(cfg: BackendConfig): Backend {
  const c = contracts();
  const attestation = createClient(c.AttestationService, cfg.attestationAddr, cfg.bootstrapTls, 'attestation');
  const channels: grpc.Client[] = [attestation];
  return {
    ca: cfg.bootstrapTls.ca,
    createChallenge: () => call(attestation, attestation.CreateChallenge, { purpose: 'enroll' }),
    enroll: (req) => call(attestation, attestation.Enroll, req),
    connect(deviceTls) {
      const tx = createClient(c.TransactionService, cfg.transactionAddr, deviceTls, 'transaction');
      channels.push(tx);
      return {
        submitPayment: (req) => call(tx, tx.SubmitPayment, req, 10_000),
        confirmStepUp: (req) => call(tx, tx.ConfirmStepUp, req, 10_000),
        paymentRequests: (accountId) => call(tx, tx.ListPaymentRequests, { accountId }),
        resultKeys: async () => (await call(tx, tx.GetResultKeys, {})).jwksJson,
        paymentByKey: (payer, idempotencyKey) => call(tx, tx.GetTransaction, { payer, idempotencyKey }),
        abandonPayment: (payer, idempotencyKey) => call(tx, tx.AbandonPayment, { payer, idempotencyKey }),
        reportDevice: (req) => call(tx, tx.ReportDevice, req),
        createAuthorisationCode: (req) => call(tx, tx.CreateAuthorisationCode, req, 10_000),
        close: () => tx.close(),
      };
    },
    close: () => {
      for (const ch of channels) ch.close();
    },
  };
}
