// Original file: proto/dfs/v1/attestation.proto


export interface CreateChallengeRequest {
  'purpose'?: (string);
}

export interface CreateChallengeRequest__Output {
  'purpose': (string);
}
