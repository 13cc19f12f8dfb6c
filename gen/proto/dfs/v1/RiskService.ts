// Original file: proto/dfs/v1/risk.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AssessRequest as _dfs_v1_AssessRequest, AssessRequest__Output as _dfs_v1_AssessRequest__Output } from '../../dfs/v1/AssessRequest.js';
import type { AssessResponse as _dfs_v1_AssessResponse, AssessResponse__Output as _dfs_v1_AssessResponse__Output } from '../../dfs/v1/AssessResponse.js';

export interface RiskServiceClient extends grpc.Client {
  Assess(argument: _dfs_v1_AssessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  Assess(argument: _dfs_v1_AssessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  Assess(argument: _dfs_v1_AssessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  Assess(argument: _dfs_v1_AssessRequest, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  assess(argument: _dfs_v1_AssessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  assess(argument: _dfs_v1_AssessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  assess(argument: _dfs_v1_AssessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  assess(argument: _dfs_v1_AssessRequest, callback: grpc.requestCallback<_dfs_v1_AssessResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RiskServiceHandlers extends grpc.UntypedServiceImplementation {
  Assess: grpc.handleUnaryCall<_dfs_v1_AssessRequest__Output, _dfs_v1_AssessResponse>;
  
}

export interface RiskServiceDefinition extends grpc.ServiceDefinition {
  Assess: MethodDefinition<_dfs_v1_AssessRequest, _dfs_v1_AssessResponse, _dfs_v1_AssessRequest__Output, _dfs_v1_AssessResponse__Output>
}
