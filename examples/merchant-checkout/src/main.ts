/* eslint-disable security/detect-non-literal-fs-filename -- the state directory and file its operator names */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { JSONWebKeySet } from 'jose';
import { Agent, setGlobalDispatcher } from 'undici';
import { dfsApi } from './api.js';
import { openMerchantAccount } from './dfs-grpc.js';
import { orderBook } from './orders.js';
import { CALLBACK_PATH, merchantHandler } from './server.js';
import { resultVerifier } from './verify.js';

const env = process.env;
const stateDir = resolve(env.DFS_STATE_DIR ?? '.dfs-state');
const integratorsFile = env.TRANSACTION_INTEGRATORS_FILE ?? join(stateDir, 'integrators.json');
const apiUrl = env.TRANSACTION_HTTP_URL ?? 'https://127.0.0.1:8082';
const caFile = env.DFS_CA_FILE ?? join(stateDir, 'pki', 'ca.crt');
const grpcAddr = env.TRANSACTION_ADDR ?? '127.0.0.1:50052';
const port = Number(env.MERCHANT_PORT ?? 8400);
const account = env.MERCHANT_ACCOUNT ?? 'merchant-checkout';
const origin = `http://127.0.0.1:${port}`;
const callbackUrl = `${origin}${CALLBACK_PATH}`;

interface IntegratorsFile {
  integrators: { id: string; apiKey: string; callbackUrl?: string; callbackOrigins?: string[] }[];
}
/** The integrators file, or a failure naming it only: a JSON error would quote the API key it failed on. */
function readIntegrators(path: string): IntegratorsFile {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as IntegratorsFile;
  } catch {
    throw new Error(`${path} is not JSON`);
  }
}
const file = readIntegrators(integratorsFile);
const me = file.integrators[0];
if (!me) throw new Error(`${integratorsFile} lists no integrator`);

if (process.argv.includes('--register')) {
  me.callbackOrigins = [...new Set([...(me.callbackOrigins ?? []), origin])];
  writeFileSync(integratorsFile, JSON.stringify(file, null, 2), { mode: 0o600 });
  console.log(`integrator ${me.id}: callback origin ${origin} written to ${integratorsFile}; restart npm start`);
  process.exit(0);
}

setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } }));
const grpcLink = { addr: grpcAddr, pkiDir: join(stateDir, 'pki') };
let keys: Promise<JSONWebKeySet> | undefined;
const api = dfsApi({ url: apiUrl, apiKey: me.apiKey });
const resultKeys = () =>
  (keys ??= api.resultKeys().catch((err: unknown) => {
    keys = undefined;
    throw err;
  }));

await openMerchantAccount(grpcLink, account, 'KES');
const registered = me.callbackOrigins?.includes(origin) ?? false;
const handler = merchantHandler({
  api,
  ...(registered ? { callbackUrl } : {}),
  verify: resultVerifier(resultKeys),
  orders: orderBook(account),
});
createServer(handler).listen(port, '127.0.0.1', () => {
  console.log(`merchant-checkout: shop http://127.0.0.1:${port}/ (merchant account ${account}, integrator ${me.id})`);
  console.log(
    registered
      ? `  callbacks: ${callbackUrl} (sent as each request's X-Callback-URL)`
      : `  callbacks go to ${me.callbackUrl ?? 'nowhere'}: orders settle by the verified poll ("Check with DFS now");` +
          ' npm run example:merchant -- --register, then restart npm start',
  );
});
