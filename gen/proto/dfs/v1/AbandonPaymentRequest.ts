// Original file: proto/dfs/v1/transaction.proto


export interface AbandonPaymentRequest {
  'payer'?: (string);
  'idempotencyKey'?: (string);
}

export interface AbandonPaymentRequest__Output {
  'payer': (string);
  'idempotencyKey': (string);
}
