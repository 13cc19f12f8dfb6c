// Original file: proto/dfs/v1/common.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EchoRequest as _dfs_v1_EchoRequest, EchoRequest__Output as _dfs_v1_EchoRequest__Output } from '../../dfs/v1/EchoRequest.js';
import type { EchoResponse as _dfs_v1_EchoResponse, EchoResponse__Output as _dfs_v1_EchoResponse__Output } from '../../dfs/v1/EchoResponse.js';

export interface DiagnosticsServiceClient extends grpc.Client {
  Echo(argument: _dfs_v1_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _dfs_v1_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _dfs_v1_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _dfs_v1_EchoRequest, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _dfs_v1_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _dfs_v1_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _dfs_v1_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _dfs_v1_EchoRequest, callback: grpc.requestCallback<_dfs_v1_EchoResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DiagnosticsServiceHandlers extends grpc.UntypedServiceImplementation {
  Echo: grpc.handleUnaryCall<_dfs_v1_EchoRequest__Output, _dfs_v1_EchoResponse>;
  
}

export interface DiagnosticsServiceDefinition extends grpc.ServiceDefinition {
  Echo: MethodDefinition<_dfs_v1_EchoRequest, _dfs_v1_EchoResponse, _dfs_v1_EchoRequest__Output, _dfs_v1_EchoResponse__Output>
}
