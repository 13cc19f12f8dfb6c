// Original file: proto/dfs/v1/transaction.proto


export interface ReportDeviceResponse {
  'eventType'?: (string);
}

export interface ReportDeviceResponse__Output {
  'eventType': (string);
}
