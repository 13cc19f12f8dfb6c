// Original file: proto/dfs/v1/transaction.proto


export interface GetTransactionRequest {
  'transactionId'?: (string);
  'payer'?: (string);
  'idempotencyKey'?: (string);
}

export interface GetTransactionRequest__Output {
  'transactionId': (string);
  'payer': (string);
  'idempotencyKey': (string);
}
