// Original file: proto/dfs/v1/transaction.proto


export interface SignedResult {
  'signedResult'?: (string);
}

export interface SignedResult__Output {
  'signedResult': (string);
}
