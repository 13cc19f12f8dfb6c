/* eslint-disable security/detect-non-literal-fs-filename -- the dev PKI directory the merchant's operator names */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import type { JSONWebKeySet } from 'jose';

const PROTO_DIR = new URL('../../../proto', import.meta.url).pathname;

/** The transaction service's gRPC port and the dev PKI whose client certificate (`operator` unless named) we show. */
export interface GrpcLink {
  addr: string;
  pkiDir: string;
  cert?: string;
}

type Unary<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void;
interface TransactionClient extends grpc.Client {
  GetResultKeys: Unary<object, { jwksJson: string }>;
  OpenAccount: Unary<{ accountId: string; holderDeviceId: string; openingBalance: object }, object>;
}

async function withClient<T>(link: GrpcLink, use: (c: TransactionClient) => Promise<T>): Promise<T> {
  const def = loader.loadSync('dfs/v1/transaction.proto', { includeDirs: [PROTO_DIR], longs: String, enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    dfs: { v1: { TransactionService: new (...a: unknown[]) => TransactionClient } };
  };
  const file = (name: string) => readFileSync(join(link.pkiDir, name));
  const name = link.cert ?? 'operator';
  const creds = grpc.credentials.createSsl(file('ca.crt'), file(`${name}.key`), file(`${name}.crt`));
  const client = new pkg.dfs.v1.TransactionService(link.addr, creds, {
    'grpc.ssl_target_name_override': 'transaction',
  });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const unary = <Req, Res>(fn: Unary<Req, Res>, req: Req) =>
  new Promise<Res>((resolve, reject) => fn(req, (err, res) => (err || !res ? reject(err) : resolve(res))));

/** The JWKS that verifies every signed result: `GetResultKeys` over mutual TLS. */
export function fetchResultKeys(link: GrpcLink): Promise<JSONWebKeySet> {
  return withClient(link, async (c) => {
    const res = await unary(c.GetResultKeys.bind(c), {});
    return JSON.parse(res.jwksJson) as JSONWebKeySet;
  });
}

/** Opens the shop's merchant account (`OpenAccount`, operator only; in production done at onboarding). */
export function openMerchantAccount(link: GrpcLink, accountId: string, currency: string): Promise<void> {
  return withClient(link, async (c) => {
    const req = { accountId, holderDeviceId: '', openingBalance: { minorUnits: '0', currency } };
    try {
      await unary(c.OpenAccount.bind(c), req);
    } catch (err) {
      if ((err as grpc.ServiceError).metadata?.get('dfs-error-code')[0] !== 'LEDGER_ACCOUNT_EXISTS') throw err;
    }
  });
}
