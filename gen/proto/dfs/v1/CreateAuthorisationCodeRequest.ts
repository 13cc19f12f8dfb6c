// Original file: proto/dfs/v1/transaction.proto


export interface CreateAuthorisationCodeRequest {
  'signedOrder'?: (string);
  'attestationToken'?: (string);
}

export interface CreateAuthorisationCodeRequest__Output {
  'signedOrder': (string);
  'attestationToken': (string);
}
