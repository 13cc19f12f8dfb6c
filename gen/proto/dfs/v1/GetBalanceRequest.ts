// Original file: proto/dfs/v1/transaction.proto


export interface GetBalanceRequest {
  'accountId'?: (string);
}

export interface GetBalanceRequest__Output {
  'accountId': (string);
}
