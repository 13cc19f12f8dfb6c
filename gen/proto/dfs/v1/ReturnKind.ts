// Original file: proto/dfs/v1/transaction.proto

export const ReturnKind = {
  RETURN_KIND_UNSPECIFIED: 'RETURN_KIND_UNSPECIFIED',
  REVERSAL: 'REVERSAL',
  REFUND: 'REFUND',
} as const;

export type ReturnKind =
  | 'RETURN_KIND_UNSPECIFIED'
  | 0
  | 'REVERSAL'
  | 1
  | 'REFUND'
  | 2

export type ReturnKind__Output = typeof ReturnKind[keyof typeof ReturnKind]
