import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbandonPaymentRequest as _dfs_v1_AbandonPaymentRequest, AbandonPaymentRequest__Output as _dfs_v1_AbandonPaymentRequest__Output } from './dfs/v1/AbandonPaymentRequest.js';
import type { AttestationServiceClient as _dfs_v1_AttestationServiceClient, AttestationServiceDefinition as _dfs_v1_AttestationServiceDefinition } from './dfs/v1/AttestationService.js';
import type { Challenge as _dfs_v1_Challenge, Challenge__Output as _dfs_v1_Challenge__Output } from './dfs/v1/Challenge.js';
import type { ConfirmStepUpRequest as _dfs_v1_ConfirmStepUpRequest, ConfirmStepUpRequest__Output as _dfs_v1_ConfirmStepUpRequest__Output } from './dfs/v1/ConfirmStepUpRequest.js';
import type { CreateAuthorisationCodeRequest as _dfs_v1_CreateAuthorisationCodeRequest, CreateAuthorisationCodeRequest__Output as _dfs_v1_CreateAuthorisationCodeRequest__Output } from './dfs/v1/CreateAuthorisationCodeRequest.js';
import type { CreateChallengeRequest as _dfs_v1_CreateChallengeRequest, CreateChallengeRequest__Output as _dfs_v1_CreateChallengeRequest__Output } from './dfs/v1/CreateChallengeRequest.js';
import type { DeviceStatus as _dfs_v1_DeviceStatus, DeviceStatus__Output as _dfs_v1_DeviceStatus__Output } from './dfs/v1/DeviceStatus.js';
import type { DiagnosticsServiceClient as _dfs_v1_DiagnosticsServiceClient, DiagnosticsServiceDefinition as _dfs_v1_DiagnosticsServiceDefinition } from './dfs/v1/DiagnosticsService.js';
import type { EchoRequest as _dfs_v1_EchoRequest, EchoRequest__Output as _dfs_v1_EchoRequest__Output } from './dfs/v1/EchoRequest.js';
import type { EchoResponse as _dfs_v1_EchoResponse, EchoResponse__Output as _dfs_v1_EchoResponse__Output } from './dfs/v1/EchoResponse.js';
import type { EnrollRequest as _dfs_v1_EnrollRequest, EnrollRequest__Output as _dfs_v1_EnrollRequest__Output } from './dfs/v1/EnrollRequest.js';
import type { EnrollResponse as _dfs_v1_EnrollResponse, EnrollResponse__Output as _dfs_v1_EnrollResponse__Output } from './dfs/v1/EnrollResponse.js';
import type { GetBalanceRequest as _dfs_v1_GetBalanceRequest, GetBalanceRequest__Output as _dfs_v1_GetBalanceRequest__Output } from './dfs/v1/GetBalanceRequest.js';
import type { GetDeviceStatusRequest as _dfs_v1_GetDeviceStatusRequest, GetDeviceStatusRequest__Output as _dfs_v1_GetDeviceStatusRequest__Output } from './dfs/v1/GetDeviceStatusRequest.js';
import type { GetResultKeysRequest as _dfs_v1_GetResultKeysRequest, GetResultKeysRequest__Output as _dfs_v1_GetResultKeysRequest__Output } from './dfs/v1/GetResultKeysRequest.js';
import type { GetTokenKeysRequest as _dfs_v1_GetTokenKeysRequest, GetTokenKeysRequest__Output as _dfs_v1_GetTokenKeysRequest__Output } from './dfs/v1/GetTokenKeysRequest.js';
import type { GetTransactionRequest as _dfs_v1_GetTransactionRequest, GetTransactionRequest__Output as _dfs_v1_GetTransactionRequest__Output } from './dfs/v1/GetTransactionRequest.js';
import type { KeySet as _dfs_v1_KeySet, KeySet__Output as _dfs_v1_KeySet__Output } from './dfs/v1/KeySet.js';
import type { ListPaymentRequestsRequest as _dfs_v1_ListPaymentRequestsRequest, ListPaymentRequestsRequest__Output as _dfs_v1_ListPaymentRequestsRequest__Output } from './dfs/v1/ListPaymentRequestsRequest.js';
import type { Money as _dfs_v1_Money, Money__Output as _dfs_v1_Money__Output } from './dfs/v1/Money.js';
import type { OpenAccountRequest as _dfs_v1_OpenAccountRequest, OpenAccountRequest__Output as _dfs_v1_OpenAccountRequest__Output } from './dfs/v1/OpenAccountRequest.js';
import type { ReportDeviceRequest as _dfs_v1_ReportDeviceRequest, ReportDeviceRequest__Output as _dfs_v1_ReportDeviceRequest__Output } from './dfs/v1/ReportDeviceRequest.js';
import type { ReportDeviceResponse as _dfs_v1_ReportDeviceResponse, ReportDeviceResponse__Output as _dfs_v1_ReportDeviceResponse__Output } from './dfs/v1/ReportDeviceResponse.js';
import type { ReverseTransactionRequest as _dfs_v1_ReverseTransactionRequest, ReverseTransactionRequest__Output as _dfs_v1_ReverseTransactionRequest__Output } from './dfs/v1/ReverseTransactionRequest.js';
import type { SignedResult as _dfs_v1_SignedResult, SignedResult__Output as _dfs_v1_SignedResult__Output } from './dfs/v1/SignedResult.js';
import type { SubmitPaymentRequest as _dfs_v1_SubmitPaymentRequest, SubmitPaymentRequest__Output as _dfs_v1_SubmitPaymentRequest__Output } from './dfs/v1/SubmitPaymentRequest.js';
import type { TransactionServiceClient as _dfs_v1_TransactionServiceClient, TransactionServiceDefinition as _dfs_v1_TransactionServiceDefinition } from './dfs/v1/TransactionService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dfs: {
    v1: {
      AbandonPaymentRequest: MessageTypeDefinition<_dfs_v1_AbandonPaymentRequest, _dfs_v1_AbandonPaymentRequest__Output>
      AttestationService: SubtypeConstructor<typeof grpc.Client, _dfs_v1_AttestationServiceClient> & { service: _dfs_v1_AttestationServiceDefinition }
      Challenge: MessageTypeDefinition<_dfs_v1_Challenge, _dfs_v1_Challenge__Output>
      ConfirmStepUpRequest: MessageTypeDefinition<_dfs_v1_ConfirmStepUpRequest, _dfs_v1_ConfirmStepUpRequest__Output>
      CreateAuthorisationCodeRequest: MessageTypeDefinition<_dfs_v1_CreateAuthorisationCodeRequest, _dfs_v1_CreateAuthorisationCodeRequest__Output>
      CreateChallengeRequest: MessageTypeDefinition<_dfs_v1_CreateChallengeRequest, _dfs_v1_CreateChallengeRequest__Output>
      DeviceStatus: MessageTypeDefinition<_dfs_v1_DeviceStatus, _dfs_v1_DeviceStatus__Output>
      DiagnosticsService: SubtypeConstructor<typeof grpc.Client, _dfs_v1_DiagnosticsServiceClient> & { service: _dfs_v1_DiagnosticsServiceDefinition }
      EchoRequest: MessageTypeDefinition<_dfs_v1_EchoRequest, _dfs_v1_EchoRequest__Output>
      EchoResponse: MessageTypeDefinition<_dfs_v1_EchoResponse, _dfs_v1_EchoResponse__Output>
      EnrollRequest: MessageTypeDefinition<_dfs_v1_EnrollRequest, _dfs_v1_EnrollRequest__Output>
      EnrollResponse: MessageTypeDefinition<_dfs_v1_EnrollResponse, _dfs_v1_EnrollResponse__Output>
      GetBalanceRequest: MessageTypeDefinition<_dfs_v1_GetBalanceRequest, _dfs_v1_GetBalanceRequest__Output>
      GetDeviceStatusRequest: MessageTypeDefinition<_dfs_v1_GetDeviceStatusRequest, _dfs_v1_GetDeviceStatusRequest__Output>
      GetResultKeysRequest: MessageTypeDefinition<_dfs_v1_GetResultKeysRequest, _dfs_v1_GetResultKeysRequest__Output>
      GetTokenKeysRequest: MessageTypeDefinition<_dfs_v1_GetTokenKeysRequest, _dfs_v1_GetTokenKeysRequest__Output>
      GetTransactionRequest: MessageTypeDefinition<_dfs_v1_GetTransactionRequest, _dfs_v1_GetTransactionRequest__Output>
      KeySet: MessageTypeDefinition<_dfs_v1_KeySet, _dfs_v1_KeySet__Output>
      ListPaymentRequestsRequest: MessageTypeDefinition<_dfs_v1_ListPaymentRequestsRequest, _dfs_v1_ListPaymentRequestsRequest__Output>
      Money: MessageTypeDefinition<_dfs_v1_Money, _dfs_v1_Money__Output>
      OpenAccountRequest: MessageTypeDefinition<_dfs_v1_OpenAccountRequest, _dfs_v1_OpenAccountRequest__Output>
      ReportDeviceRequest: MessageTypeDefinition<_dfs_v1_ReportDeviceRequest, _dfs_v1_ReportDeviceRequest__Output>
      ReportDeviceResponse: MessageTypeDefinition<_dfs_v1_ReportDeviceResponse, _dfs_v1_ReportDeviceResponse__Output>
      ReturnKind: EnumTypeDefinition
      ReverseTransactionRequest: MessageTypeDefinition<_dfs_v1_ReverseTransactionRequest, _dfs_v1_ReverseTransactionRequest__Output>
      SignedResult: MessageTypeDefinition<_dfs_v1_SignedResult, _dfs_v1_SignedResult__Output>
      SubmitPaymentRequest: MessageTypeDefinition<_dfs_v1_SubmitPaymentRequest, _dfs_v1_SubmitPaymentRequest__Output>
      TransactionService: SubtypeConstructor<typeof grpc.Client, _dfs_v1_TransactionServiceClient> & { service: _dfs_v1_TransactionServiceDefinition }
    }
  }
}

