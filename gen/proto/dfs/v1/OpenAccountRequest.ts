// Original file: proto/dfs/v1/transaction.proto

import type { Money as _dfs_v1_Money, Money__Output as _dfs_v1_Money__Output } from '../../dfs/v1/Money.js';

export interface OpenAccountRequest {
  'accountId'?: (string);
  'holderDeviceId'?: (string);
  'openingBalance'?: (_dfs_v1_Money | null);
  'displayName'?: (string);
}

export interface OpenAccountRequest__Output {
  'accountId': (string);
  'holderDeviceId': (string);
  'openingBalance': (_dfs_v1_Money__Output | null);
  'displayName': (string);
}
