// Original file: proto/dfs/v1/common.proto


export interface EchoResponse {
  'payload'?: (Buffer | Uint8Array | string);
}

export interface EchoResponse__Output {
  'payload': (Buffer);
}
