// Original file: proto/dfs/v1/attestation.proto


export interface GetDeviceStatusRequest {
  'deviceId'?: (string);
}

export interface GetDeviceStatusRequest__Output {
  'deviceId': (string);
}
