import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AttestationServiceClient as _dfs_v1_AttestationServiceClient, AttestationServiceDefinition as _dfs_v1_AttestationServiceDefinition } from './dfs/v1/AttestationService.js';
import type { Challenge as _dfs_v1_Challenge, Challenge__Output as _dfs_v1_Challenge__Output } from './dfs/v1/Challenge.js';
import type { CreateChallengeRequest as _dfs_v1_CreateChallengeRequest, CreateChallengeRequest__Output as _dfs_v1_CreateChallengeRequest__Output } from './dfs/v1/CreateChallengeRequest.js';
import type { DeviceStatus as _dfs_v1_DeviceStatus, DeviceStatus__Output as _dfs_v1_DeviceStatus__Output } from './dfs/v1/DeviceStatus.js';
import type { EnrollRequest as _dfs_v1_EnrollRequest, EnrollRequest__Output as _dfs_v1_EnrollRequest__Output } from './dfs/v1/EnrollRequest.js';
import type { EnrollResponse as _dfs_v1_EnrollResponse, EnrollResponse__Output as _dfs_v1_EnrollResponse__Output } from './dfs/v1/EnrollResponse.js';
import type { GetDeviceStatusRequest as _dfs_v1_GetDeviceStatusRequest, GetDeviceStatusRequest__Output as _dfs_v1_GetDeviceStatusRequest__Output } from './dfs/v1/GetDeviceStatusRequest.js';
import type { GetTokenKeysRequest as _dfs_v1_GetTokenKeysRequest, GetTokenKeysRequest__Output as _dfs_v1_GetTokenKeysRequest__Output } from './dfs/v1/GetTokenKeysRequest.js';
import type { KeySet as _dfs_v1_KeySet, KeySet__Output as _dfs_v1_KeySet__Output } from './dfs/v1/KeySet.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dfs: {
    v1: {
      AttestationService: SubtypeConstructor<typeof grpc.Client, _dfs_v1_AttestationServiceClient> & { service: _dfs_v1_AttestationServiceDefinition }
      Challenge: MessageTypeDefinition<_dfs_v1_Challenge, _dfs_v1_Challenge__Output>
      CreateChallengeRequest: MessageTypeDefinition<_dfs_v1_CreateChallengeRequest, _dfs_v1_CreateChallengeRequest__Output>
      DeviceStatus: MessageTypeDefinition<_dfs_v1_DeviceStatus, _dfs_v1_DeviceStatus__Output>
      EnrollRequest: MessageTypeDefinition<_dfs_v1_EnrollRequest, _dfs_v1_EnrollRequest__Output>
      EnrollResponse: MessageTypeDefinition<_dfs_v1_EnrollResponse, _dfs_v1_EnrollResponse__Output>
      GetDeviceStatusRequest: MessageTypeDefinition<_dfs_v1_GetDeviceStatusRequest, _dfs_v1_GetDeviceStatusRequest__Output>
      GetTokenKeysRequest: MessageTypeDefinition<_dfs_v1_GetTokenKeysRequest, _dfs_v1_GetTokenKeysRequest__Output>
      KeySet: MessageTypeDefinition<_dfs_v1_KeySet, _dfs_v1_KeySet__Output>
    }
  }
}

