// Original file: proto/dfs/v1/transaction.proto


export interface ConfirmStepUpRequest {
  'transactionId'?: (string);
  'signedConfirmation'?: (string);
  'attestationToken'?: (string);
}

export interface ConfirmStepUpRequest__Output {
  'transactionId': (string);
  'signedConfirmation': (string);
  'attestationToken': (string);
}
