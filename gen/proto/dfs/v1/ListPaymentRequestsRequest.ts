// Original file: proto/dfs/v1/transaction.proto


export interface ListPaymentRequestsRequest {
  'accountId'?: (string);
}

export interface ListPaymentRequestsRequest__Output {
  'accountId': (string);
}
