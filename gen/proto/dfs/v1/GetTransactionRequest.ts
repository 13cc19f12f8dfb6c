// Original file: proto/dfs/v1/transaction.proto


export interface GetTransactionRequest {
  'transactionId'?: (string);
}

export interface GetTransactionRequest__Output {
  'transactionId': (string);
}
