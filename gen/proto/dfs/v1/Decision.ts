// Original file: proto/dfs/v1/risk.proto

export const Decision = {
  DECISION_UNSPECIFIED: 'DECISION_UNSPECIFIED',
  APPROVE: 'APPROVE',
  STEP_UP: 'STEP_UP',
  DECLINE: 'DECLINE',
} as const;

export type Decision =
  | 'DECISION_UNSPECIFIED'
  | 0
  | 'APPROVE'
  | 1
  | 'STEP_UP'
  | 2
  | 'DECLINE'
  | 3

export type Decision__Output = typeof Decision[keyof typeof Decision]
