// Original file: proto/dfs/v1/common.proto


export interface EchoRequest {
  'payload'?: (Buffer | Uint8Array | string);
}

export interface EchoRequest__Output {
  'payload': (Buffer);
}
