// Original file: proto/dfs/v1/transaction.proto


export interface GetResultKeysRequest {
}

export interface GetResultKeysRequest__Output {
}
