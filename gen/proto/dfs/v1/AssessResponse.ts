// Original file: proto/dfs/v1/risk.proto

import type { Decision as _dfs_v1_Decision, Decision__Output as _dfs_v1_Decision__Output } from '../../dfs/v1/Decision.js';

export interface AssessResponse {
  'decision'?: (_dfs_v1_Decision);
  'ruleIds'?: (string)[];
  'reason'?: (string);
  'score'?: (number | string);
  'code'?: (string);
}

export interface AssessResponse__Output {
  'decision': (_dfs_v1_Decision__Output);
  'ruleIds': (string)[];
  'reason': (string);
  'score': (number);
  'code': (string);
}
