// Original file: proto/dfs/v1/attestation.proto

import type { Long } from '@grpc/proto-loader';

export interface DeviceStatus {
  'status'?: (string);
  'notBeforeMs'?: (number | string | Long);
}

export interface DeviceStatus__Output {
  'status': (string);
  'notBeforeMs': (string);
}
