// Original file: proto/dfs/v1/attestation.proto


export interface EnrollRequest {
  'challengeId'?: (string);
  'attestationChain'?: (Buffer | Uint8Array | string)[];
  'proof'?: (string);
  'tlsPublicKey'?: (Buffer | Uint8Array | string);
  'accountId'?: (string);
}

export interface EnrollRequest__Output {
  'challengeId': (string);
  'attestationChain': (Buffer)[];
  'proof': (string);
  'tlsPublicKey': (Buffer);
  'accountId': (string);
}
