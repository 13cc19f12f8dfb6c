// Original file: proto/dfs/v1/attestation.proto

import type { Long } from '@grpc/proto-loader';

export interface Challenge {
  'challengeId'?: (string);
  'nonce'?: (Buffer | Uint8Array | string);
  'expiresAtMs'?: (number | string | Long);
}

export interface Challenge__Output {
  'challengeId': (string);
  'nonce': (Buffer);
  'expiresAtMs': (string);
}
