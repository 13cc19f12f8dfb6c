import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DiagnosticsServiceClient as _dfs_v1_DiagnosticsServiceClient, DiagnosticsServiceDefinition as _dfs_v1_DiagnosticsServiceDefinition } from './dfs/v1/DiagnosticsService.js';
import type { EchoRequest as _dfs_v1_EchoRequest, EchoRequest__Output as _dfs_v1_EchoRequest__Output } from './dfs/v1/EchoRequest.js';
import type { EchoResponse as _dfs_v1_EchoResponse, EchoResponse__Output as _dfs_v1_EchoResponse__Output } from './dfs/v1/EchoResponse.js';
import type { Money as _dfs_v1_Money, Money__Output as _dfs_v1_Money__Output } from './dfs/v1/Money.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dfs: {
    v1: {
      DiagnosticsService: SubtypeConstructor<typeof grpc.Client, _dfs_v1_DiagnosticsServiceClient> & { service: _dfs_v1_DiagnosticsServiceDefinition }
      EchoRequest: MessageTypeDefinition<_dfs_v1_EchoRequest, _dfs_v1_EchoRequest__Output>
      EchoResponse: MessageTypeDefinition<_dfs_v1_EchoResponse, _dfs_v1_EchoResponse__Output>
      Money: MessageTypeDefinition<_dfs_v1_Money, _dfs_v1_Money__Output>
    }
  }
}

