// Original file: proto/dfs/v1/transaction.proto

import type { ReturnKind as _dfs_v1_ReturnKind, ReturnKind__Output as _dfs_v1_ReturnKind__Output } from '../../dfs/v1/ReturnKind.js';
import type { Money as _dfs_v1_Money, Money__Output as _dfs_v1_Money__Output } from '../../dfs/v1/Money.js';

export interface ReverseTransactionRequest {
  'transactionId'?: (string);
  'kind'?: (_dfs_v1_ReturnKind);
  'amount'?: (_dfs_v1_Money | null);
  'idempotencyKey'?: (string);
  'reason'?: (string);
}

export interface ReverseTransactionRequest__Output {
  'transactionId': (string);
  'kind': (_dfs_v1_ReturnKind__Output);
  'amount': (_dfs_v1_Money__Output | null);
  'idempotencyKey': (string);
  'reason': (string);
}
