// Original file: proto/dfs/v1/attestation.proto


export interface KeySet {
  'jwksJson'?: (string);
  'maxAgeSec'?: (number);
}

export interface KeySet__Output {
  'jwksJson': (string);
  'maxAgeSec': (number);
}
