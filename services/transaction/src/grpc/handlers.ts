import type * as grpc from '@grpc/grpc-js';
import type { Admission } from '../../../../kit/src/admission.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { TransactionServiceHandlers } from '../../../../gen/proto/dfs/v1/TransactionService.js';
import type { PaymentDeps } from '../domain/payments.js';
import { abandonPaymentRpc } from './abandon-payment.js';
import { confirmStepUpRpc } from './confirm-step-up.js';
import { createAuthorisationCodeRpc } from './create-authorisation-code.js';
import { getBalanceRpc } from './get-balance.js';
import { getResultKeysRpc } from './get-result-keys.js';
import { getTransactionRpc } from './get-transaction.js';
import { listPaymentRequestsRpc } from './list-payment-requests.js';
import { openAccountRpc } from './open-account.js';
import { reportDeviceRpc } from './report-device.js';
import { reverseTransactionRpc } from './reverse-transaction.js';
import { submitPaymentRpc } from './submit-payment.js';

/** What the transaction service's RPC handlers need. */
export type TransactionRpcDeps = PaymentDeps & {
  treasuryFloat: number;
  log: Logger;
  admission: Admission;
  /** How long a cash-out authorisation code stays redeemable. */
  authCodeTtlMs: number;
};

/** gRPC edge of the transaction service: one thin handler per RPC (one file each) with the roles allowed to call it. */
export function transactionHandlers(deps: TransactionRpcDeps): TransactionServiceHandlers {
  return {
    SubmitPayment: submitPaymentRpc(deps),
    GetTransaction: getTransactionRpc(deps),
    AbandonPayment: abandonPaymentRpc(deps),
    OpenAccount: openAccountRpc(deps),
    GetBalance: getBalanceRpc(deps),
    ConfirmStepUp: confirmStepUpRpc(deps),
    ReportDevice: reportDeviceRpc(deps),
    CreateAuthorisationCode: createAuthorisationCodeRpc(deps),
    ListPaymentRequests: listPaymentRequestsRpc(deps),
    ReverseTransaction: reverseTransactionRpc(deps),
    GetResultKeys: getResultKeysRpc(deps),
  } as TransactionServiceHandlers & grpc.UntypedServiceImplementation;
}
