import { connect, type ConnectionOptions } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { TLS_POLICY } from '../../../kit/src/tls-policy.js';
import { mutualTls, tlsPolicy } from '../controls.js';
import { observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';

/**
 * A TLS handshake with the transaction port, with or without a client certificate:
 * 'open' when the server keeps the session, else the error code it ended with.
 */
function handshake(ctx: Context, withCert: boolean): Promise<string> {
  const [host, port] = [
    ctx.transactionAddr.slice(0, ctx.transactionAddr.lastIndexOf(':')),
    Number(ctx.transactionAddr.slice(ctx.transactionAddr.lastIndexOf(':') + 1)),
  ];
  const tls = ctx.world.bootstrapTls;
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ca: tls.ca,
      servername: 'transaction',
      ALPNProtocols: ['h2'],
      ...(withCert ? { cert: tls.cert, key: tls.key } : {}),
    });
    const done = (v: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('open'), 1500);
    socket.on('secureConnect', () => socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')));
    socket.on('data', () => done('open'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.on('close', () => done('closed'));
  });
}

/**
 * The gRPC health check without a client certificate: the serving
 * status answered, or the gRPC status the call failed with.
 */
function healthWithoutCertificate(ctx: Context): Promise<string> {
  const client = new grpc.Client(ctx.transactionAddr, grpc.credentials.createSsl(ctx.world.bootstrapTls.ca), {
    'grpc.ssl_target_name_override': 'transaction',
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      () => Buffer.alloc(0),
      (b: Buffer) => b,
      {},
      { deadline: Date.now() + 3000 },
      (err, res) => {
        client.close();
        if (err) resolve(`GRPC_${grpc.status[err.code]}`);
        else resolve(res?.[0] === 0x08 && res[1] === 1 ? 'SERVING' : `status ${res?.toString('hex')}`);
      },
    );
  });
}

async function noClientCertificate(ctx: Context): Promise<Observation> {
  const certified = await handshake(ctx, true);
  const bare = await handshake(ctx, false);
  const health = await healthWithoutCertificate(ctx);
  ctx.say(`with a stack certificate the port answers (${certified}); without one: ${bare}`);
  const code = bare === 'open' ? null : bare;
  return observed(
    code,
    health === 'SERVING',
    {
      serverUpForCertifiedClient: certified === 'open',
      handshakeWithoutCertificate: bare,
      healthCheckWithoutCertificate: health,
    },
    [
      'open TLS to the transaction port with the stack CA certificate: the server is up',
      'open TLS with no client certificate and speak HTTP/2',
      `the server ends it: ${bare}`,
      `a gRPC health check without a certificate: ${health}`,
    ],
  );
}

/** Only CBC suites, TLS 1.2 at most: what a man in the middle who strips the AEAD suites leaves. */
const CBC_ONLY: ConnectionOptions = {
  maxVersion: 'TLSv1.2',
  ciphers: 'ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:AES128-SHA',
};
const AEAD: readonly string[] = [...TLS_POLICY.tls13Suites, ...TLS_POLICY.tls12Suites];

type Offered = { code: string | null; session: string; answered: boolean; cipher: string };

/**
 * A TLS session to a port with the operator's certificate and `offer` on top, then one request
 * (the HTTP/2 preface on gRPC, `GET /healthz` on HTTPS): the negotiated session and whether the
 * server answered over it, or the code the handshake ended with.
 */
function offerTls(ctx: Context, at: { host: string; port: number; h2: boolean }, offer: ConnectionOptions) {
  const tls = ctx.world.bootstrapTls;
  return new Promise<Offered>((resolve) => {
    const socket = connect({
      host: at.host,
      port: at.port,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: 'transaction',
      ALPNProtocols: [at.h2 ? 'h2' : 'http/1.1'],
      ...offer,
    });
    let session = '';
    let cipher = '';
    const done = (r: Omit<Offered, 'session' | 'cipher'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...r, session, cipher });
    };
    const timer = setTimeout(() => done({ code: 'TIMEOUT', answered: false }), 3000);
    socket.on('secureConnect', () => {
      cipher = socket.getCipher().name;
      session = `${socket.getProtocol() ?? '?'} ${cipher}`;
      socket.write(at.h2 ? 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' : 'GET /healthz HTTP/1.1\r\nHost: transaction\r\n\r\n');
    });
    socket.on('data', () => done({ code: null, answered: true }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ code: err.code ?? err.message, answered: false }));
    socket.on('close', () => done({ code: 'CLOSED', answered: false }));
  });
}

async function downgrade(ctx: Context): Promise<Observation> {
  const cut = (a: string) => a.lastIndexOf(':');
  const grpcAt = {
    host: ctx.transactionAddr.slice(0, cut(ctx.transactionAddr)),
    port: Number(ctx.transactionAddr.slice(cut(ctx.transactionAddr) + 1)),
    h2: true,
  };
  const rest = ctx.integrator ? new URL(ctx.integrator.url) : undefined;
  const restAt = rest && { host: rest.hostname, port: Number(rest.port), h2: false };
  const policy = await offerTls(ctx, grpcAt, {});
  ctx.say(`a client offering the policy's suites: ${policy.session || policy.code}`);
  const weak = [await offerTls(ctx, grpcAt, CBC_ONLY), ...(restAt ? [await offerTls(ctx, restAt, CBC_ONLY)] : [])];
  for (const [i, w] of weak.entries())
    ctx.say(`CBC only on the ${i ? 'REST' : 'gRPC'} port: ${w.answered ? `served over ${w.session}` : w.code}`);
  const served = weak.filter((w) => w.answered && !AEAD.includes(w.cipher));
  return observed(
    weak.find((w) => w.code)?.code ?? null,
    served.length > 0,
    {
      policyClientSession: policy.session,
      policyClientServed: policy.answered,
      grpcCbcOnly: weak[0]!.answered ? weak[0]!.session : weak[0]!.code,
      restCbcOnly: weak[1] ? (weak[1].answered ? weak[1].session : weak[1].code) : null,
      servedOverCbc: served.length,
    },
    [
      'open TLS to the transaction gRPC port offering the policy: the server is up',
      'offer only CBC suites (TLS 1.2 at most) to the gRPC port and to the integrator REST port',
      `the server ends the handshakes: ${weak.map((w) => w.code ?? `served over ${w.session}`).join(', ')}`,
    ],
  );
}

/** Attacks on the channel (R3, R7): a client without a certificate, or with only weak suites, reaches nothing. */
export const transportScenarios: Scenario[] = [
  {
    id: 'no-client-certificate',
    label: 'remote',
    expect: { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', outcome: 'BLOCKED' },
    title: 'gRPC call without a client certificate',
    recommendations: ['R3', 'R7'],
    masvs: 'MASVS-NETWORK-1',
    seed: '003 §TLS',
    action: 'connect to the transaction service with TLS but no client certificate and call an RPC',
    control: 'mutual TLS with the stack CA on every gRPC port',
    success: 'an RPC (the health check) is served to a client without a certificate',
    port: mutualTls,
    story:
      'An attacker on the network path (or a rogue app) talks to the backend directly. ' +
      'First the port is shown to be up (a certified client completes the handshake); then, ' +
      'without a client certificate, the server ends the TLS session with the "certificate ' +
      'required" alert before any RPC runs, which a server that is down could not send.',
    run: noClientCertificate,
  },
  {
    id: 'weak-tls-downgrade',
    label: 'remote',
    expect: { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', outcome: 'BLOCKED' },
    title: 'TLS downgrade to CBC suites',
    recommendations: ['R7'],
    masvs: 'MASVS-NETWORK-1',
    seed: '002 §2 R7',
    action: "offer only CBC suites (TLS 1.2 at most) to the transaction service's gRPC and REST ports",
    control: 'one TLS policy on every port: TLS 1.2 minimum, AEAD suites only (kit/src/tls-policy.ts)',
    success: 'the server completes a CBC handshake and answers over it',
    port: tlsPolicy,
    story:
      'A man in the middle strips the strong suites from a client hello, hoping for a session he can ' +
      'attack (padding oracles on CBC). The port is first shown up for a client offering the policy; then ' +
      'with only CBC suites on offer the server ends the handshake with a handshake_failure alert, on the ' +
      'gRPC port and on the integrator REST port alike.',
    run: downgrade,
  },
];
