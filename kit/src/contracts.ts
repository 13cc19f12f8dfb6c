import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AttestationProto } from '../../gen/proto/attestation.js';
import type { ProtoGrpcType as CommonProto } from '../../gen/proto/common.js';
import type { ProtoGrpcType as RiskProto } from '../../gen/proto/risk.js';
import type { ProtoGrpcType as TransactionProto } from '../../gen/proto/transaction.js';

const PROTO_DIR = fileURLToPath(new URL('../../proto', import.meta.url));

/** proto-loader options matching the generated types (scripts/gen-proto.mjs). */
export const LOADER_OPTIONS: protoLoader.Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

type Contracts = (AttestationProto & CommonProto & RiskProto & TransactionProto)['dfs']['v1'];

let loaded: Contracts | undefined;

/** The dfs.v1 package loaded from proto/ (the only copy of the contracts), once per process. */
export function contracts(): Contracts {
  if (!loaded) {
    const files = ['common', 'attestation', 'transaction', 'risk'].map((f) => `dfs/v1/${f}.proto`);
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(files, LOADER_OPTIONS)) as unknown as AttestationProto &
      CommonProto &
      RiskProto &
      TransactionProto;
    loaded = pkg.dfs.v1;
  }
  return loaded;
}

export type * from '../../gen/proto/dfs/v1/AttestationService.js';
export type * from '../../gen/proto/dfs/v1/TransactionService.js';
export type * from '../../gen/proto/dfs/v1/RiskService.js';
export type * from '../../gen/proto/dfs/v1/DiagnosticsService.js';
