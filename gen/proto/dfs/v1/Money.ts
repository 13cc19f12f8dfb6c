// Original file: proto/dfs/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface Money {
  'minorUnits'?: (number | string | Long);
  'currency'?: (string);
}

export interface Money__Output {
  'minorUnits': (string);
  'currency': (string);
}
