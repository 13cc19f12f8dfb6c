// Original file: proto/dfs/v1/transaction.proto


export interface SubmitPaymentRequest {
  'signedPayment'?: (string);
  'attestationToken'?: (string);
}

export interface SubmitPaymentRequest__Output {
  'signedPayment': (string);
  'attestationToken': (string);
}
