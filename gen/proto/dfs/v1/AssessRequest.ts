// Original file: proto/dfs/v1/risk.proto

import type { Money as _dfs_v1_Money, Money__Output as _dfs_v1_Money__Output } from '../../dfs/v1/Money.js';

export interface AssessRequest {
  'transactionId'?: (string);
  'deviceId'?: (string);
  'payer'?: (string);
  'payee'?: (string);
  'amount'?: (_dfs_v1_Money | null);
  'tier'?: (string);
  'stage'?: (string);
}

export interface AssessRequest__Output {
  'transactionId': (string);
  'deviceId': (string);
  'payer': (string);
  'payee': (string);
  'amount': (_dfs_v1_Money__Output | null);
  'tier': (string);
  'stage': (string);
}
