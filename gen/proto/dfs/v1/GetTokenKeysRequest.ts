// Original file: proto/dfs/v1/attestation.proto


export interface GetTokenKeysRequest {
}

export interface GetTokenKeysRequest__Output {
}
