// Original file: proto/dfs/v1/attestation.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Challenge as _dfs_v1_Challenge, Challenge__Output as _dfs_v1_Challenge__Output } from '../../dfs/v1/Challenge.js';
import type { CreateChallengeRequest as _dfs_v1_CreateChallengeRequest, CreateChallengeRequest__Output as _dfs_v1_CreateChallengeRequest__Output } from '../../dfs/v1/CreateChallengeRequest.js';
import type { DeviceStatus as _dfs_v1_DeviceStatus, DeviceStatus__Output as _dfs_v1_DeviceStatus__Output } from '../../dfs/v1/DeviceStatus.js';
import type { EnrollRequest as _dfs_v1_EnrollRequest, EnrollRequest__Output as _dfs_v1_EnrollRequest__Output } from '../../dfs/v1/EnrollRequest.js';
import type { EnrollResponse as _dfs_v1_EnrollResponse, EnrollResponse__Output as _dfs_v1_EnrollResponse__Output } from '../../dfs/v1/EnrollResponse.js';
import type { GetDeviceStatusRequest as _dfs_v1_GetDeviceStatusRequest, GetDeviceStatusRequest__Output as _dfs_v1_GetDeviceStatusRequest__Output } from '../../dfs/v1/GetDeviceStatusRequest.js';
import type { GetTokenKeysRequest as _dfs_v1_GetTokenKeysRequest, GetTokenKeysRequest__Output as _dfs_v1_GetTokenKeysRequest__Output } from '../../dfs/v1/GetTokenKeysRequest.js';
import type { KeySet as _dfs_v1_KeySet, KeySet__Output as _dfs_v1_KeySet__Output } from '../../dfs/v1/KeySet.js';

export interface AttestationServiceClient extends grpc.Client {
  CreateChallenge(argument: _dfs_v1_CreateChallengeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  CreateChallenge(argument: _dfs_v1_CreateChallengeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  CreateChallenge(argument: _dfs_v1_CreateChallengeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  CreateChallenge(argument: _dfs_v1_CreateChallengeRequest, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  createChallenge(argument: _dfs_v1_CreateChallengeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  createChallenge(argument: _dfs_v1_CreateChallengeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  createChallenge(argument: _dfs_v1_CreateChallengeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  createChallenge(argument: _dfs_v1_CreateChallengeRequest, callback: grpc.requestCallback<_dfs_v1_Challenge__Output>): grpc.ClientUnaryCall;
  
  Enroll(argument: _dfs_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _dfs_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _dfs_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _dfs_v1_EnrollRequest, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _dfs_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _dfs_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _dfs_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _dfs_v1_EnrollRequest, callback: grpc.requestCallback<_dfs_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  GetDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  GetDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  GetDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  GetDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  getDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  getDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  getDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  getDeviceStatus(argument: _dfs_v1_GetDeviceStatusRequest, callback: grpc.requestCallback<_dfs_v1_DeviceStatus__Output>): grpc.ClientUnaryCall;
  
  GetTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  GetTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  getTokenKeys(argument: _dfs_v1_GetTokenKeysRequest, callback: grpc.requestCallback<_dfs_v1_KeySet__Output>): grpc.ClientUnaryCall;
  
}

export interface AttestationServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateChallenge: grpc.handleUnaryCall<_dfs_v1_CreateChallengeRequest__Output, _dfs_v1_Challenge>;
  
  Enroll: grpc.handleUnaryCall<_dfs_v1_EnrollRequest__Output, _dfs_v1_EnrollResponse>;
  
  GetDeviceStatus: grpc.handleUnaryCall<_dfs_v1_GetDeviceStatusRequest__Output, _dfs_v1_DeviceStatus>;
  
  GetTokenKeys: grpc.handleUnaryCall<_dfs_v1_GetTokenKeysRequest__Output, _dfs_v1_KeySet>;
  
}

export interface AttestationServiceDefinition extends grpc.ServiceDefinition {
  CreateChallenge: MethodDefinition<_dfs_v1_CreateChallengeRequest, _dfs_v1_Challenge, _dfs_v1_CreateChallengeRequest__Output, _dfs_v1_Challenge__Output>
  Enroll: MethodDefinition<_dfs_v1_EnrollRequest, _dfs_v1_EnrollResponse, _dfs_v1_EnrollRequest__Output, _dfs_v1_EnrollResponse__Output>
  GetDeviceStatus: MethodDefinition<_dfs_v1_GetDeviceStatusRequest, _dfs_v1_DeviceStatus, _dfs_v1_GetDeviceStatusRequest__Output, _dfs_v1_DeviceStatus__Output>
  GetTokenKeys: MethodDefinition<_dfs_v1_GetTokenKeysRequest, _dfs_v1_KeySet, _dfs_v1_GetTokenKeysRequest__Output, _dfs_v1_KeySet__Output>
}
