// Original file: proto/dfs/v1/transaction.proto


export interface ReportDeviceRequest {
  'signedReport'?: (string);
  'attestationToken'?: (string);
}

export interface ReportDeviceRequest__Output {
  'signedReport': (string);
  'attestationToken': (string);
}
