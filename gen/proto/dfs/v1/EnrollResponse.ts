// Original file: proto/dfs/v1/attestation.proto

import type { Long } from '@grpc/proto-loader';

export interface EnrollResponse {
  'deviceId'?: (string);
  'attestationToken'?: (string);
  'tokenExpiresAtMs'?: (number | string | Long);
  'tier'?: (string);
  'reasons'?: (string)[];
  'clientCertificatePem'?: (string);
}

export interface EnrollResponse__Output {
  'deviceId': (string);
  'attestationToken': (string);
  'tokenExpiresAtMs': (string);
  'tier': (string);
  'reasons': (string)[];
  'clientCertificatePem': (string);
}
