// Original file: proto/dfs/v1/transaction.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbandonPaymentRequest as _dfs_v1_AbandonPaymentRequest, AbandonPaymentRequest__Output as _dfs_v1_AbandonPaymentRequest__Output } from '../../dfs/v1/AbandonPaymentRequest.js';
import type { ConfirmStepUpRequest as _dfs_v1_ConfirmStepUpRequest, ConfirmStepUpRequest__Output as _dfs_v1_ConfirmStepUpRequest__Output } from '../../dfs/v1/ConfirmStepUpRequest.js';
import type { CreateAuthorisationCodeRequest as _dfs_v1_CreateAuthorisationCodeRequest, CreateAuthorisationCodeRequest__Output as _dfs_v1_CreateAuthorisationCodeRequest__Output } from '../../dfs/v1/CreateAuthorisationCodeRequest.js';
import type { GetBalanceRequest as _dfs_v1_GetBalanceRequest, GetBalanceRequest__Output as _dfs_v1_GetBalanceRequest__Output } from '../../dfs/v1/GetBalanceRequest.js';
import type { GetResultKeysRequest as _dfs_v1_GetResultKeysRequest, GetResultKeysRequest__Output as _dfs_v1_GetResultKeysRequest__Output } from '../../dfs/v1/GetResultKeysRequest.js';
import type { GetTransactionRequest as _dfs_v1_GetTransactionRequest, GetTransactionRequest__Output as _dfs_v1_GetTransactionRequest__Output } from '../../dfs/v1/GetTransactionRequest.js';
import type { KeySet as _dfs_v1_KeySet, KeySet__Output as _dfs_v1_KeySet__Output } from '../../dfs/v1/KeySet.js';
import type { ListPaymentRequestsRequest as _dfs_v1_ListPaymentRequestsRequest, ListPaymentRequestsRequest__Output as _dfs_v1_ListPaymentRequestsRequest__Output } from '../../dfs/v1/ListPaymentRequestsRequest.js';
import type { OpenAccountRequest as _dfs_v1_OpenAccountRequest, OpenAccountRequest__Output as _dfs_v1_OpenAccountRequest__Output } from '../../dfs/v1/OpenAccountRequest.js';
import type { ReportDeviceRequest as _dfs_v1_ReportDeviceRequest, ReportDeviceRequest__Output as _dfs_v1_ReportDeviceRequest__Output } from '../../dfs/v1/ReportDeviceRequest.js';
import type { ReportDeviceResponse as _dfs_v1_ReportDeviceResponse, ReportDeviceResponse__Output as _dfs_v1_ReportDeviceResponse__Output } from '../../dfs/v1/ReportDeviceResponse.js';
import type { ReverseTransactionRequest as _dfs_v1_ReverseTransactionRequest, ReverseTransactionRequest__Output as _dfs_v1_ReverseTransactionRequest__Output } from '../../dfs/v1/ReverseTransactionRequest.js';
import type { SignedResult as _dfs_v1_SignedResult, SignedResult__Output as _dfs_v1_SignedResult__Output } from '../../dfs/v1/SignedResult.js';
import type { SubmitPaymentRequest as _dfs_v1_SubmitPaymentRequest, SubmitPaymentRequest__Output as _dfs_v1_SubmitPaymentRequest__Output } from '../../dfs/v1/SubmitPaymentRequest.js';

export interface TransactionServiceClient extends grpc.Client {
  AbandonPayment(argument: _dfs_v1_AbandonPaymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  AbandonPayment(argument: _dfs_v1_AbandonPaymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  AbandonPayment(argument: _dfs_v1_AbandonPaymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  AbandonPayment(argument: _dfs_v1_AbandonPaymentRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  abandonPayment(argument: _dfs_v1_AbandonPaymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  abandonPayment(argument: _dfs_v1_AbandonPaymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  abandonPayment(argument: _dfs_v1_AbandonPaymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  abandonPayment(argument: _dfs_v1_AbandonPaymentRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  ConfirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ConfirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ConfirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ConfirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  confirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  confirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  confirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  confirmStepUp(argument: _dfs_v1_ConfirmStepUpRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  CreateAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  CreateAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  CreateAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  CreateAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  createAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  createAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  createAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  createAuthorisationCode(argument: _dfs_v1_CreateAuthorisationCodeRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  GetBalance(argument: _dfs_v1_GetBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _dfs_v1_GetBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _dfs_v1_GetBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _dfs_v1_GetBalanceRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _dfs_v1_GetBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _dfs_v1_GetBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _dfs_v1_GetBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _dfs_v1_GetBalanceRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  GetResultKeys(argument: _dfs_v1_GetResultKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetResultKeys(argument: _dfs_v1_GetResultKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetResultKeys(argument: _dfs_v1_GetResultKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetResultKeys(argument: _dfs_v1_GetResultKeysRequest, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getResultKeys(argument: _dfs_v1_GetResultKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getResultKeys(argument: _dfs_v1_GetResultKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getResultKeys(argument: _dfs_v1_GetResultKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getResultKeys(argument: _dfs_v1_GetResultKeysRequest, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  
  GetTransaction(argument: _dfs_v1_GetTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetTransaction(argument: _dfs_v1_GetTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetTransaction(argument: _dfs_v1_GetTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  GetTransaction(argument: _dfs_v1_GetTransactionRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getTransaction(argument: _dfs_v1_GetTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getTransaction(argument: _dfs_v1_GetTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getTransaction(argument: _dfs_v1_GetTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  getTransaction(argument: _dfs_v1_GetTransactionRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  ListPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ListPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ListPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ListPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  listPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  listPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  listPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  listPaymentRequests(argument: _dfs_v1_ListPaymentRequestsRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  OpenAccount(argument: _dfs_v1_OpenAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  OpenAccount(argument: _dfs_v1_OpenAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  OpenAccount(argument: _dfs_v1_OpenAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  OpenAccount(argument: _dfs_v1_OpenAccountRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  openAccount(argument: _dfs_v1_OpenAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  openAccount(argument: _dfs_v1_OpenAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  openAccount(argument: _dfs_v1_OpenAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  openAccount(argument: _dfs_v1_OpenAccountRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  ReportDevice(argument: _dfs_v1_ReportDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  ReportDevice(argument: _dfs_v1_ReportDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  ReportDevice(argument: _dfs_v1_ReportDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  ReportDevice(argument: _dfs_v1_ReportDeviceRequest, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  reportDevice(argument: _dfs_v1_ReportDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  reportDevice(argument: _dfs_v1_ReportDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  reportDevice(argument: _dfs_v1_ReportDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  reportDevice(argument: _dfs_v1_ReportDeviceRequest, callback: grpc.requestCallback<_dfs_v1_ReportDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  ReverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ReverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ReverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  ReverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  reverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  reverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  reverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  reverseTransaction(argument: _dfs_v1_ReverseTransactionRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
  SubmitPayment(argument: _dfs_v1_SubmitPaymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  SubmitPayment(argument: _dfs_v1_SubmitPaymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  SubmitPayment(argument: _dfs_v1_SubmitPaymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  SubmitPayment(argument: _dfs_v1_SubmitPaymentRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  submitPayment(argument: _dfs_v1_SubmitPaymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  submitPayment(argument: _dfs_v1_SubmitPaymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  submitPayment(argument: _dfs_v1_SubmitPaymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  submitPayment(argument: _dfs_v1_SubmitPaymentRequest, callback: grpc.requestCallback<_dfs_v1_SignedResult__Output>): grpc.ClientUnaryCall;
  
}

export interface TransactionServiceHandlers extends grpc.UntypedServiceImplementation {
  AbandonPayment: grpc.handleUnaryCall<_dfs_v1_AbandonPaymentRequest__Output, _dfs_v1_SignedResult>;
  
  ConfirmStepUp: grpc.handleUnaryCall<_dfs_v1_ConfirmStepUpRequest__Output, _dfs_v1_SignedResult>;
  
  CreateAuthorisationCode: grpc.handleUnaryCall<_dfs_v1_CreateAuthorisationCodeRequest__Output, _dfs_v1_SignedResult>;
  
  GetBalance: grpc.handleUnaryCall<_dfs_v1_GetBalanceRequest__Output, _dfs_v1_SignedResult>;
  
  GetResultKeys: grpc.handleUnaryCall<_dfs_v1_GetResultKeysRequest__Output, _dfs_v1_KeySet>;
  
  GetTransaction: grpc.handleUnaryCall<_dfs_v1_GetTransactionRequest__Output, _dfs_v1_SignedResult>;
  
  ListPaymentRequests: grpc.handleUnaryCall<_dfs_v1_ListPaymentRequestsRequest__Output, _dfs_v1_SignedResult>;
  
  OpenAccount: grpc.handleUnaryCall<_dfs_v1_OpenAccountRequest__Output, _dfs_v1_SignedResult>;
  
  ReportDevice: grpc.handleUnaryCall<_dfs_v1_ReportDeviceRequest__Output, _dfs_v1_ReportDeviceResponse>;
  
  ReverseTransaction: grpc.handleUnaryCall<_dfs_v1_ReverseTransactionRequest__Output, _dfs_v1_SignedResult>;
  
  SubmitPayment: grpc.handleUnaryCall<_dfs_v1_SubmitPaymentRequest__Output, _dfs_v1_SignedResult>;
  
}

export interface TransactionServiceDefinition extends grpc.ServiceDefinition {
  AbandonPayment: MethodDefinition<_dfs_v1_AbandonPaymentRequest, _dfs_v1_SignedResult, _dfs_v1_AbandonPaymentRequest__Output, _dfs_v1_SignedResult__Output>
  ConfirmStepUp: MethodDefinition<_dfs_v1_ConfirmStepUpRequest, _dfs_v1_SignedResult, _dfs_v1_ConfirmStepUpRequest__Output, _dfs_v1_SignedResult__Output>
  CreateAuthorisationCode: MethodDefinition<_dfs_v1_CreateAuthorisationCodeRequest, _dfs_v1_SignedResult, _dfs_v1_CreateAuthorisationCodeRequest__Output, _dfs_v1_SignedResult__Output>
  GetBalance: MethodDefinition<_dfs_v1_GetBalanceRequest, _dfs_v1_SignedResult, _dfs_v1_GetBalanceRequest__Output, _dfs_v1_SignedResult__Output>
  GetResultKeys: MethodDefinition<_dfs_v1_GetResultKeysRequest, _dfs_v1_KeySet, _dfs_v1_GetResultKeysRequest__Output, _dfs_v1_KeySet__Output>
  GetTransaction: MethodDefinition<_dfs_v1_GetTransactionRequest, _dfs_v1_SignedResult, _dfs_v1_GetTransactionRequest__Output, _dfs_v1_SignedResult__Output>
  ListPaymentRequests: MethodDefinition<_dfs_v1_ListPaymentRequestsRequest, _dfs_v1_SignedResult, _dfs_v1_ListPaymentRequestsRequest__Output, _dfs_v1_SignedResult__Output>
  OpenAccount: MethodDefinition<_dfs_v1_OpenAccountRequest, _dfs_v1_SignedResult, _dfs_v1_OpenAccountRequest__Output, _dfs_v1_SignedResult__Output>
  ReportDevice: MethodDefinition<_dfs_v1_ReportDeviceRequest, _dfs_v1_ReportDeviceResponse, _dfs_v1_ReportDeviceRequest__Output, _dfs_v1_ReportDeviceResponse__Output>
  ReverseTransaction: MethodDefinition<_dfs_v1_ReverseTransactionRequest, _dfs_v1_SignedResult, _dfs_v1_ReverseTransactionRequest__Output, _dfs_v1_SignedResult__Output>
  SubmitPayment: MethodDefinition<_dfs_v1_SubmitPaymentRequest, _dfs_v1_SignedResult, _dfs_v1_SubmitPaymentRequest__Output, _dfs_v1_SignedResult__Output>
}
