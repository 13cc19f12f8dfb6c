// The integrator API with one route broken on purpose: forwards every request to the transaction
// service's HTTPS edge, except GET /v1.2/mm/accounts/{type}/{id}/balance, which answers 500. scripts/fuzz-api.sh
// runs Schemathesis against it first to show that the fuzzing run fails on a server error. It serves
// HTTPS with the transaction service's dev certificate and verifies the upstream with the dev CA.
//   node scripts/fuzz-broken-proxy.mjs <listen-port> <target-base-url> <pki-dir>
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { join } from 'node:path';

const [port, target, pki] = [Number(process.argv[2]), new URL(process.argv[3]), process.argv[4]];
const ca = readFileSync(join(pki, 'ca.crt'));
const tls = { cert: readFileSync(join(pki, 'transaction.crt')), key: readFileSync(join(pki, 'transaction.key')) };
createServer(tls, (req, res) => {
  if (req.method === 'GET' && /^\/v1\.2\/mm\/accounts\/[^/]+\/[^/]+\/balance/.test(req.url ?? '')) {
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end('{"code":"INTERNAL","message":"Broken on purpose."}');
    return;
  }
  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, ca },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
}).listen(port, '127.0.0.1');
